package trigger

// Choice is the brand and locale an event gets, for a message this package does not render itself
// (the custom sender's account-takeover mail): the same choice Handle makes, so that mail reads in
// the language and brand of every other.
type Choice struct {
	Brand       string // the brand's name (DefaultBrandName for the default)
	BrandSource string // BrandFromClient, BrandFromMetadata or BrandDefault
	AppName     string // the brand's product name, sanitized
	Resolution  Resolution
	// DefaultLocale is the brand's default locale, the first fallback when Resolution.Locale
	// cannot be rendered.
	DefaultLocale string
}

// Choose picks the brand (app client, then metadata when allowed, then the default) and, within its
// locales, the locale (clientMetadata "locale", then the locale attribute, then the brand's
// default) for ev, exactly as Handle does. It renders nothing.
func (h *Handler) Choose(ev *Event) Choice {
	b, bsrc := h.chooseBrand(ev)
	b.init(h)
	res := b.locales.Resolve(ev.Request.ClientMetadata, attribute(ev.Request.UserAttributes, "locale"))
	return Choice{Brand: b.name, BrandSource: bsrc, AppName: b.appName, Resolution: res, DefaultLocale: b.def}
}
