package ditto

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles a JSON Schema document with santhosh-tekuri/jsonschema.
func compileSchema(t testing.TB, schemaJSON string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schemaJSON))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem://schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem://schema.json")
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// validateWith checks one JSON document against s.
func validateWith(t testing.TB, s *jsonschema.Schema, doc []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("not JSON: %v in %s", err, doc)
	}
	if err := s.Validate(v); err != nil {
		t.Fatalf("%s does not validate: %v", doc, err)
	}
}

// validateJSON checks doc against the schema schemaJSON.
func validateJSON(t testing.TB, schemaJSON string, doc []byte) {
	t.Helper()
	validateWith(t, compileSchema(t, schemaJSON), doc)
}
