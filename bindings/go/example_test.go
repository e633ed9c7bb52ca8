package ditto_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	ditto "github.com/ditto-llm/ditto-llm/bindings/go"
)

// The network-free mock provider makes these examples runnable anywhere.

func Example() {
	c, err := ditto.New(ditto.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	r, err := c.GenerateText(context.Background(), ditto.TextRequest{Model: "mock:echo", Prompt: "Hi"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Text, r.FinishReason)
	// Output: echo: Hi stop
}

func ExampleClient_StreamText() {
	c, err := ditto.New(ditto.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := c.StreamText(ctx, ditto.TextRequest{Model: "mock:echo", Prompt: "one two"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	for s.Next() {
		if ev := s.Current(); ev.Type == "text-delta" {
			fmt.Printf("[%s]", ev.Text)
		}
	}
	if err := s.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println()
	// Output: [echo: ][one ][two]
}

func ExampleClient_StreamTextSeq() {
	c, err := ditto.New(ditto.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for ev, err := range c.StreamTextSeq(context.Background(), ditto.TextRequest{Model: "mock:echo", Prompt: "hello"}) {
		if err != nil {
			log.Fatal(err)
		}
		if ev.Type == "finish" {
			fmt.Println(ev.FinishReason, *ev.TotalUsage.OutputTokens)
		}
	}
	// Output: stop 2
}

func ExampleError() {
	c, err := ditto.New(ditto.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = c.GenerateText(context.Background(), ditto.TextRequest{Model: "mock:echo"}) // no prompt
	var de *ditto.Error
	fmt.Println(errors.Is(err, ditto.ErrInvalidRequest), errors.As(err, &de) && de.Kind == ditto.KindInvalidRequest)
	// Output: true true
}

func ExampleEncodeDittoV1() {
	c, err := ditto.New(ditto.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	s, err := c.StreamText(context.Background(), ditto.TextRequest{Model: "mock:echo", Prompt: "Hi"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	var wire bytes.Buffer
	if err := ditto.EncodeDittoV1(&wire, s, ditto.FramingNDJSON); err != nil {
		log.Fatal(err)
	}
	d := ditto.NewDittoV1Decoder(&wire)
	defer d.Close()
	for d.Next() {
		if ev := d.Current(); ev.Type == "text-delta" {
			fmt.Printf("%q\n", ev.Text)
		}
	}
	fmt.Println(d.Err())
	// Output:
	// "echo: "
	// "Hi"
	// <nil>
}

func ExampleStream_Tee() {
	c, err := ditto.New(ditto.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	s, err := c.StreamText(context.Background(), ditto.TextRequest{Model: "mock:echo", Prompt: "Hi"})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	text, events := s.Tee(8)
	done := make(chan int)
	go func() {
		n := 0
		for events.Next() {
			n++
		}
		done <- n
	}()
	for d := range text.Deltas() {
		fmt.Print(d)
	}
	fmt.Println(" /", <-done > 0)
	// Output: echo: Hi / true
}
