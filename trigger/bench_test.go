package trigger

import (
	"context"
	"os"
	"testing"

	"cognito-custom-message/messages"
)

// BenchmarkHandle measures the warm path Cognito waits on — locale resolution, render and rule
// checks — on a decoded event, one sub-benchmark per trigger source. Targets: ≤ 20 µs/op and
// ≤ 60 allocs/op on this project's machines (`make bench`).
func BenchmarkHandle(b *testing.B) {
	h := testHandler(b)
	for _, src := range messages.Sources {
		ev := event(src, map[string]any{
			"sub": "3c8f1d2e-7a41-4b9e-9f0a-5d6e7b8c9a01", "email": "lena@example.de",
			"email_verified": "true", "given_name": "Lena", "locale": "de-DE",
		}, map[string]string{"locale": "de-AT"})
		b.Run(src, func(b *testing.B) {
			ctx := context.Background()
			if o := h.Handle(ctx, ev); o.Fallback != FallbackNone {
				b.Fatalf("fallback %s: %s", o.Fallback, o.Reason)
			}
			b.ReportAllocs()
			for b.Loop() {
				h.Handle(ctx, ev)
			}
		})
	}
}

// BenchmarkHandleBrand is the same path for a brand chosen by client ID: the brands compiled in
// (make bench BRANDS_DIR=…), else the example brands read from their folders (slower: they render
// through html/template, as the compiled ones do not).
func BenchmarkHandleBrand(b *testing.B) {
	brands := BrandsOf(messages.Brands())
	if len(brands) == 0 {
		brands = exampleBrands(b)
	}
	h := testHandler(b, WithBrands(brands...))
	for _, br := range brands {
		if len(br.ClientIDs) == 0 {
			continue
		}
		ev := event("ForgotPassword", map[string]any{"given_name": "Lena", "locale": "de-DE"}, map[string]string{"locale": "de-AT"})
		ev.CallerContext.ClientID = br.ClientIDs[0]
		b.Run(br.Name, func(b *testing.B) {
			ctx := context.Background()
			if o := h.Handle(ctx, ev); o.Fallback != FallbackNone || o.Brand != br.Name {
				b.Fatalf("brand %s fallback %s: %s", o.Brand, o.Fallback, o.Reason)
			}
			b.ReportAllocs()
			for b.Loop() {
				h.Handle(ctx, ev)
			}
		})
	}
}

// BenchmarkInvoke adds what the runtime path costs on top: JSON decode and encode of the event.
func BenchmarkInvoke(b *testing.B) {
	h := testHandler(b)
	payload, err := os.ReadFile("../events/verify-user-attribute-email-de.json")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Invoke(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandlePlainText is BenchmarkHandle's SignUp with the plain-text part rendered too, as
// the custom sender asks for it (WithPlainText): what the text costs on top of the reply.
func BenchmarkHandlePlainText(b *testing.B) {
	for _, opts := range []struct {
		name string
		opts []Option
	}{{"without", nil}, {"with", []Option{WithPlainText()}}} {
		h := testHandler(b, opts.opts...)
		ev := event("SignUp", map[string]any{"email": "lena@example.de", "email_verified": "true", "given_name": "Lena", "locale": "de-DE"}, nil)
		b.Run(opts.name, func(b *testing.B) {
			ctx := context.Background()
			if o := h.Handle(ctx, ev); o.Fallback != FallbackNone || (o.EmailText != "") != (opts.opts != nil) {
				b.Fatalf("fallback %s: %s; text %q", o.Fallback, o.Reason, o.EmailText)
			}
			b.ReportAllocs()
			for b.Loop() {
				h.Handle(ctx, ev)
			}
		})
	}
}
