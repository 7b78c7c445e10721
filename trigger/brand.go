package trigger

import (
	"slices"
	"strings"
	"sync"

	"cognito-custom-message/messages"
)

// Brand is one set of messages with its own product name, look and wording (a brands folder
// compiled in: messages.Brands()). Each invocation is answered in one brand, chosen by BrandFor.
type Brand struct {
	Name          string
	AppName       string
	DefaultLocale string   // its default locale; "" = the deployment's, if the brand sends it
	ClientIDs     []string // app clients whose messages get it
	Catalog       Catalog
}

// BrandsOf adapts the compiled brands.
func BrandsOf(bs []messages.Brand) []Brand {
	out := make([]Brand, len(bs))
	for i, b := range bs {
		out[i] = Brand{Name: b.Name, AppName: b.AppName, DefaultLocale: b.DefaultLocale, ClientIDs: b.ClientIDs, Catalog: b.Table}
	}
	return out
}

// Where a brand came from, logged as brand_source.
const (
	BrandFromClient   = "clientId"
	BrandFromMetadata = "clientMetadata"
	BrandDefault      = "default"
)

// DefaultBrandName is how the log names the default brand (templates/ and APP_NAME).
const DefaultBrandName = messages.DefaultBrandName

// brand is a Brand ready to answer: the default brand is built in New; the others on their first
// invocation, so that a cold start pays only for the brand it serves.
type brand struct {
	name    string
	catalog Catalog
	appName string

	defWant string // the default locale asked for; resolved within the brand's locales
	once    sync.Once
	locales *Locales
	def     string
}

func (b *brand) init(h *Handler) {
	b.once.Do(func() {
		shipped := b.catalog.Locales()
		def := b.defWant
		if !slices.Contains(shipped, def) {
			// The deployment's default, or the locale the brand has that is closest to it, else its
			// first: a brand that sends only de and fr still has a default when DEFAULT_LOCALE=en.
			def = shipped[0]
			if loc, _, ok := NewLocales(shipped, def).Match(h.def); ok {
				def = loc
			}
		}
		b.def, b.locales = def, NewLocales(shipped, def).WithAliases(b.catalog.Aliases())
	})
}

// BrandClients parses the deploy-time mapping of app client IDs to brand names (BRAND_CLIENTS), for
// clients that exist only once the pool does: "clientId=brand,clientId=brand". A plain list rather
// than JSON because CloudFormation builds it by joining client IDs it only knows at deploy time.
// A malformed pair (empty, no "=", an empty side, a client ID given twice) is skipped and reported by
// its position in skipped; the others still map: one typo must not send every brand's mail unbranded.
func BrandClients(s string) (m map[string]string, skipped []int) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	m = map[string]string{}
	i := 0
	for pair := range strings.SplitSeq(s, ",") {
		i++
		id, name, ok := strings.Cut(strings.TrimSpace(pair), "=")
		id, name = strings.TrimSpace(id), strings.TrimSpace(name)
		if _, dup := m[id]; !ok || id == "" || name == "" || dup {
			skipped = append(skipped, i)
			continue
		}
		m[id] = name
	}
	return m, skipped
}

// WithBrands adds brands besides the default one.
func WithBrands(bs ...Brand) Option { return func(o *options) { o.brands = append(o.brands, bs...) } }

// WithBrandClients maps app client IDs to brand names, on top of the brands' own ClientIDs. An entry
// naming no brand is logged at start and ignored.
func WithBrandClients(m map[string]string) Option { return func(o *options) { o.brandClients = m } }

// WithBrandClientsSetting is WithBrandClients for the BRAND_CLIENTS setting as the deployment writes
// it (BrandClients); malformed pairs are skipped and logged once, by position, when New runs.
func WithBrandClientsSetting(s string) Option {
	return func(o *options) { o.brandClients, o.skippedPairs = BrandClients(s) }
}

// WithBrandFromMetadata lets clientMetadata.brand choose among the brands when the client ID does
// not. Metadata is whatever the caller sends: it can pick one of the operator's brands, nothing else.
func WithBrandFromMetadata(on bool) Option { return func(o *options) { o.brandFromMetadata = on } }

// initBrands indexes the brands by name and by client ID. Maps, built once at start from a handful
// of entries, make each invocation's lookup O(1).
func (h *Handler) initBrands(o *options) {
	if len(o.skippedPairs) > 0 {
		// A bad pair must not break sign-in, nor the other pairs: its client gets the default brand.
		// Positions only: the log carries no value from the setting.
		h.log.Error("BRAND_CLIENTS: malformed pairs skipped (want clientId=brand); their clients get the default brand",
			"skipped_pairs", o.skippedPairs, "mapped_clients", len(o.brandClients))
	}
	if len(o.brands) == 0 {
		return
	}
	h.brands = make(map[string]*brand, len(o.brands))
	h.byClient = map[string]*brand{}
	for _, b := range o.brands {
		if b.Catalog == nil || len(b.Catalog.Locales()) == 0 || b.Name == "" || b.Name == DefaultBrandName {
			h.log.Error("brand ignored: no name or no locales", "brand", b.Name)
			continue
		}
		app := messages.Sanitize(b.AppName, messages.MaxAppNameUnits)
		if app == "" {
			app = h.def0.appName
		}
		def := b.DefaultLocale
		if def == "" {
			def = h.def0.def
		}
		br := &brand{name: b.Name, catalog: b.Catalog, appName: app, defWant: def}
		h.brands[b.Name] = br
		for _, id := range b.ClientIDs {
			h.byClient[id] = br
		}
	}
	for id, name := range o.brandClients {
		if br, ok := h.brands[name]; ok {
			h.byClient[id] = br
		} else {
			h.log.Error("BRAND_CLIENTS names a brand that is not built in; its client gets the default brand", "brand", name)
		}
	}
	h.brandFromMetadata = o.brandFromMetadata
}

// chooseBrand picks the brand for an event: the client's (set by Cognito), then the one metadata
// names when allowed, then the default.
func (h *Handler) chooseBrand(ev *Event) (*brand, string) {
	if h.brands == nil {
		return h.def0, BrandDefault
	}
	if b, ok := h.byClient[ev.CallerContext.ClientID]; ok {
		return b, BrandFromClient
	}
	if h.brandFromMetadata {
		if b, ok := h.brands[ev.Request.ClientMetadata["brand"]]; ok {
			return b, BrandFromMetadata
		}
	}
	return h.def0, BrandDefault
}
