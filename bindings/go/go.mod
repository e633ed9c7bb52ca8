module github.com/ditto-llm/ditto-llm/bindings/go

go 1.24
