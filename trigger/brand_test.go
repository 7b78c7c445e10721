package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"cognito-custom-message/messages"
	"cognito-custom-message/templates"
)

const (
	acmeClient      = "5ac3m8e1cl0ud7w3b4pp1d9x2k" // examples/brands/acme/brand.json
	northwindClient = "7n0rthw1ndm0b1l3app4z8q2r5" // examples/brands/northwind/brand.json
	mappedClient    = "3m4pp3dw3bcl13nt0000000000" // mapped at deploy time (BRAND_CLIENTS)
)

// exampleBrands are the shipped example brands, read from their folders (what `make generate`
// compiles; TestCompiledBrands checks the compiled ones when built with -tags brands).
func exampleBrands(t testing.TB) []Brand {
	t.Helper()
	bs, err := templates.LoadBrands(os.DirFS("../examples/brands"), templates.Files())
	if err != nil {
		t.Fatal(err)
	}
	var out []Brand
	for _, b := range bs {
		out = append(out, Brand{Name: b.Name, AppName: b.Config.AppName, DefaultLocale: b.Config.DefaultLocale, ClientIDs: b.Config.ClientIDs, Catalog: b.Catalog})
	}
	if len(out) != 2 {
		t.Fatalf("%d example brands; want acme and northwind", len(out))
	}
	return out
}

func brandEvent(source, clientID string, metadata map[string]string) *Event {
	ev := event(source, nil, metadata)
	ev.CallerContext.ClientID = clientID
	return ev
}

func TestBrandChoice(t *testing.T) {
	brands := exampleBrands(t)
	clients := map[string]string{mappedClient: "northwind", "someclient": "no-such-brand"}
	closed := testHandler(t, WithBrands(brands...), WithBrandClients(clients))
	open := testHandler(t, WithBrands(brands...), WithBrandClients(clients), WithBrandFromMetadata(true))
	cases := []struct {
		name      string
		h         *Handler
		client    string
		metadata  map[string]string
		brand     string
		source    string
		appInMail string
	}{
		{"client ID in brand.json", closed, acmeClient, nil, "acme", BrandFromClient, "Acme Cloud"},
		{"other brand's client", closed, northwindClient, nil, "northwind", BrandFromClient, "Northwind Rail"},
		{"client mapped at deploy time", closed, mappedClient, nil, "northwind", BrandFromClient, "Northwind Rail"},
		{"unknown client", closed, "unknownclient", nil, DefaultBrandName, BrandDefault, "Example"},
		{"emulator client", closed, "CLIENT_ID_NOT_APPLICABLE", nil, DefaultBrandName, BrandDefault, "Example"},
		{"mapping to a brand that is not built in", closed, "someclient", nil, DefaultBrandName, BrandDefault, "Example"},
		{"metadata ignored unless allowed", closed, "", map[string]string{"brand": "acme"}, DefaultBrandName, BrandDefault, "Example"},
		{"metadata when allowed", open, "", map[string]string{"brand": "acme"}, "acme", BrandFromMetadata, "Acme Cloud"},
		{"client beats metadata", open, northwindClient, map[string]string{"brand": "acme"}, "northwind", BrandFromClient, "Northwind Rail"},
		{"metadata names no brand", open, "", map[string]string{"brand": "evil"}, DefaultBrandName, BrandDefault, "Example"},
		{"metadata must match exactly", open, "", map[string]string{"brand": "ACME"}, DefaultBrandName, BrandDefault, "Example"},
		{"metadata cannot name the default", open, "", map[string]string{"brand": "default"}, DefaultBrandName, BrandDefault, "Example"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := c.h.Handle(context.Background(), brandEvent("ForgotPassword", c.client, c.metadata))
			m := checkCustomized(t, o, "ForgotPassword")
			if o.Brand != c.brand || o.BrandSource != c.source {
				t.Errorf("brand %q from %q; want %q from %q", o.Brand, o.BrandSource, c.brand, c.source)
			}
			if !strings.Contains(m.Subject, c.appInMail) || !strings.Contains(m.SMS, c.appInMail) {
				t.Errorf("subject %q / SMS %q lack %q", m.Subject, m.SMS, c.appInMail)
			}
		})
	}
}

// TestBrandLook: the brand's logo, colour, support line and wording reach the mail; the default
// brand's mail has none of them.
func TestBrandLook(t *testing.T) {
	h := testHandler(t, WithBrands(exampleBrands(t)...))
	acme := checkCustomized(t, h.Handle(context.Background(), brandEvent("SignUp", acmeClient, map[string]string{"locale": "en"})), "SignUp")
	for _, want := range []string{`<img src="https://assets.acme.example/email/logo.png" width="132" height="32" alt="Acme Cloud"`, "border-top:4px solid #0f766e", "color:#0f766e"} {
		if !strings.Contains(acme.Email, want) {
			t.Errorf("acme email lacks %s", want)
		}
	}
	nw := checkCustomized(t, h.Handle(context.Background(), brandEvent("SignUp", northwindClient, map[string]string{"locale": "en"})), "SignUp")
	for _, want := range []string{"Welcome aboard", "Thanks for choosing to travel with Northwind Rail", "#1d4ed8"} {
		if !strings.Contains(nw.Subject+nw.Email, want) {
			t.Errorf("northwind email lacks %q", want)
		}
	}
	plain := checkCustomized(t, h.Handle(context.Background(), brandEvent("SignUp", "", map[string]string{"locale": "en"})), "SignUp")
	want := checkCustomized(t, testHandler(t).Handle(context.Background(), brandEvent("SignUp", "", map[string]string{"locale": "en"})), "SignUp")
	if plain != want {
		t.Error("with brands built in, the default brand's mail changed")
	}
	for _, s := range []string{"<img", "border-top:4px", "acme", "Northwind"} {
		if strings.Contains(plain.Email, s) {
			t.Errorf("default brand's email has %q", s)
		}
	}
}

// TestBrandLocales: the locale chain runs inside the brand. Northwind sends de, en and fr, default de.
func TestBrandLocales(t *testing.T) {
	h := testHandler(t, WithBrands(exampleBrands(t)...), WithDefaultLocale("en"))
	for _, c := range []struct {
		metadata, attr, want string
		from                 LocaleSource
	}{
		{"fr-CA", "", "fr", FromMetadata},
		{"ja", "", "de", FromDefault}, // the brand does not send Japanese: its default, not the deployment's
		{"ja", "en-GB", "en", FromAttribute},
		{"", "", "de", FromDefault},
		{"zh-Hans", "it", "de", FromDefault},
	} {
		ev := brandEvent("ForgotPassword", northwindClient, map[string]string{"locale": c.metadata})
		ev.Request.UserAttributes = map[string]any{"locale": c.attr}
		o := h.Handle(context.Background(), ev)
		checkCustomized(t, o, "ForgotPassword")
		if o.Rendered != c.want || o.Resolution.Source != c.from || o.Fallback != FallbackNone {
			t.Errorf("metadata %q attribute %q: rendered %q from %s (fallback %s); want %q from %s", c.metadata, c.attr, o.Rendered, o.Resolution.Source, o.Fallback, c.want, c.from)
		}
	}
	// Acme sends every locale and has no default of its own: the deployment's applies.
	o := h.Handle(context.Background(), brandEvent("ForgotPassword", acmeClient, map[string]string{"locale": unshippable}))
	if o.Rendered != "en" {
		t.Errorf("acme default: %q; want the deployment's en", o.Rendered)
	}
}

func TestBrandFallbacks(t *testing.T) {
	bs := exampleBrands(t)
	nw := bs[1]
	tooLong := func(m messages.Message) messages.Message { m.SMS = strings.Repeat("x", 141) + "{####}"; return m }
	md := map[string]string{"locale": "fr"}

	t.Run("brand locale broken: the brand's default locale", func(t *testing.T) {
		b := nw
		b.Catalog = breakCatalog(nw.Catalog, map[string]func(messages.Message) messages.Message{"fr": tooLong})
		o := testHandler(t, WithBrands(b)).Handle(context.Background(), brandEvent("SignUp", northwindClient, md))
		m := checkCustomized(t, o, "SignUp")
		if o.Rendered != "de" || o.Fallback != FallbackDefaultLocale || !strings.HasPrefix(o.Reason, "northwind:fr/SignUp: ") || !strings.Contains(m.Subject, "Northwind Rail") {
			t.Errorf("rendered %q fallback %q reason %q subject %q", o.Rendered, o.Fallback, o.Reason, m.Subject)
		}
	})
	t.Run("brand broken: the default brand, in the requested locale", func(t *testing.T) {
		b := nw
		b.Catalog = breakCatalog(nw.Catalog, map[string]func(messages.Message) messages.Message{"fr": tooLong, "de": tooLong})
		o := testHandler(t, WithBrands(b)).Handle(context.Background(), brandEvent("SignUp", northwindClient, md))
		m := checkCustomized(t, o, "SignUp")
		if o.Rendered != "fr" || o.Fallback != FallbackDefaultBrand || o.Brand != "northwind" || !strings.Contains(m.Subject, "Example") {
			t.Errorf("rendered %q fallback %q brand %q subject %q", o.Rendered, o.Fallback, o.Brand, m.Subject)
		}
		if !strings.Contains(o.Reason, "northwind:fr/SignUp") || !strings.Contains(o.Reason, "northwind:de/SignUp") {
			t.Errorf("reason %q should name both brand failures", o.Reason)
		}
	})
	t.Run("everything broken: Cognito's template", func(t *testing.T) {
		b := nw
		all := map[string]func(messages.Message) messages.Message{}
		for _, l := range messages.Compiled().Locales() {
			all[l] = tooLong
		}
		b.Catalog = breakCatalog(nw.Catalog, all)
		def := breakCatalog(messages.Compiled(), all)
		o := New(def, WithAppName("Example"), WithBrands(b)).Handle(context.Background(), brandEvent("SignUp", northwindClient, md))
		checkNull(t, o)
	})
}

// breakCatalog wraps any catalog and breaks the chosen locales' messages.
func breakCatalog(c Catalog, broken map[string]func(messages.Message) messages.Message) Catalog {
	return brokenAny{c, broken}
}

type brokenAny struct {
	Catalog
	broken map[string]func(messages.Message) messages.Message
}

func (b brokenAny) Render(locale, source string, d messages.Data) (messages.Message, error) {
	m, err := b.Catalog.Render(locale, source, d)
	if f, ok := b.broken[locale]; ok {
		m = f(m)
	}
	return m, err
}

// TestBrandsKeepTheGuarantees: in every brand, locale and source, the reply passes Cognito's rules,
// carries no attacker text to an unproven recipient, and echoes no metadata.
func TestBrandsKeepTheGuarantees(t *testing.T) {
	checkBrandGuarantees(t, exampleBrands(t))
}

func checkBrandGuarantees(t *testing.T, brands []Brand) {
	// Each brand through a client mapped to it at deploy time (brands of a stack-created pool have no
	// clientIds of their own), with metadata naming another brand, which must not win.
	clients := map[string]string{}
	var names []string
	for _, b := range brands {
		clients["test-client-"+b.Name] = b.Name
		names = append(names, "test-client-"+b.Name)
	}
	h := testHandler(t, WithBrands(brands...), WithBrandClients(clients), WithBrandFromMetadata(true))
	for _, client := range names {
		for _, loc := range messages.Compiled().Locales() {
			for _, src := range messages.Sources {
				md := map[string]string{"locale": loc, "brand": "northwind", "message": "Your account is locked"}
				ev := brandEvent(src, client, md)
				ev.Request.UserAttributes = hostileAttributes
				o := h.Handle(context.Background(), ev)
				m := checkCustomized(t, o, src)
				if o.Fallback != FallbackNone || o.Brand != clients[client] {
					t.Errorf("%s %s/%s: brand %s, fallback %s (%s)", client, loc, src, o.Brand, o.Fallback, o.Reason)
				}
				withoutAttackerText(t, m)
				if strings.Contains(m.Subject+m.Email+m.SMS, "locked") {
					t.Errorf("%s %s/%s: metadata echoed", client, loc, src)
				}
			}
		}
	}
}

func TestBrandLog(t *testing.T) {
	var logs bytes.Buffer
	h := testHandler(t, WithBrands(exampleBrands(t)...), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	payload, _ := json.Marshal(brandEvent("SignUp", acmeClient, map[string]string{"brand": "northwind"}))
	if _, err := h.Invoke(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Brand       string `json:"brand"`
		BrandSource string `json:"brand_source"`
	}
	if err := json.Unmarshal(logs.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Brand != "acme" || rec.BrandSource != BrandFromClient {
		t.Errorf("logged brand %q from %q; want acme from clientId", rec.Brand, rec.BrandSource)
	}
	if strings.Contains(logs.String(), acmeClient) {
		t.Error("the client ID is logged")
	}
}

// TestBrandClientsSetting: each malformed pair is skipped by position; the rest still map.
func TestBrandClientsSetting(t *testing.T) {
	for _, c := range []struct {
		in      string
		want    map[string]string
		skipped []int
	}{
		{"", nil, nil},
		{"abc=acme,def=northwind", map[string]string{"abc": "acme", "def": "northwind"}, nil},
		{" abc=acme , def=northwind ", map[string]string{"abc": "acme", "def": "northwind"}, nil},
		{"abc=acme,", map[string]string{"abc": "acme"}, []int{2}}, // the trailing comma of the review
		{"abc=acme,,def=northwind", map[string]string{"abc": "acme", "def": "northwind"}, []int{2}},
		{"abc", map[string]string{}, []int{1}},
		{"=acme,abc=", map[string]string{}, []int{1, 2}},
		{"abc=acme,abc=northwind", map[string]string{"abc": "acme"}, []int{2}},
		{`{"abc":"acme"}`, map[string]string{}, []int{1}},
	} {
		m, skipped := BrandClients(c.in)
		if !maps.Equal(m, c.want) || !slices.Equal(skipped, c.skipped) {
			t.Errorf("BrandClients(%q) = %v, skipped %v; want %v, skipped %v", c.in, m, skipped, c.want, c.skipped)
		}
	}
}

// TestBrandClientsTrailingComma: the mapping CloudFormation builds with one stray comma still
// brands every listed client.
func TestBrandClientsTrailingComma(t *testing.T) {
	var logs bytes.Buffer
	h := testHandler(t, WithBrands(exampleBrands(t)...), WithBrandClientsSetting(mappedClient+"=northwind,"),
		WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	o := h.Handle(context.Background(), brandEvent("SignUp", mappedClient, nil))
	if o.Brand != "northwind" || o.BrandSource != BrandFromClient {
		t.Errorf("brand %q from %q; want northwind from the client ID", o.Brand, o.BrandSource)
	}
	if n := strings.Count(logs.String(), "\n"); n != 1 || !strings.Contains(logs.String(), `"skipped_pairs":[2]`) {
		t.Errorf("want one line naming pair 2; got %d lines:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), mappedClient) {
		t.Error("the log carries the setting's values")
	}
}
