package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"cognito-custom-message/messages"
)

// Version is the release this binary was built as: `make release VERSION=v1.2.3` stamps it with
// -ldflags -X, and the one log line per invocation carries it, so a log says which zip ran.
var Version = "dev"

const (
	DefaultAppName = "My App"
	// FallbackLocale is used when DEFAULT_LOCALE names no shipped locale.
	FallbackLocale = "en"
	// minBudget is how much of the invocation's deadline must remain to start rendering; with less,
	// the handler answers at once and lets Cognito send its own template rather than be killed.
	minBudget = 100 * time.Millisecond
)

// Fallback levels, logged as "fallback".
const (
	FallbackNone            = "none"
	FallbackDefaultLocale   = "default_locale" // the chosen brand's default locale
	FallbackDefaultBrand    = "default_brand"  // the default brand (templates/ and APP_NAME)
	FallbackCognitoTemplate = "cognito_template"
	FallbackUntouched       = "untouched" // not a CustomMessage source we know: event returned as is
)

// Catalog renders message sets: messages.Compiled() in the Lambda; tests substitute failing ones
// and messages.Catalog (which renders the template files directly).
type Catalog interface {
	Locales() []string
	// NameAttributes lists the user attributes a locale takes the display name from, in order.
	NameAttributes(locale string) []string
	// Aliases maps codes clients send for a locale that are not its tag ("kr") to the locale.
	Aliases() map[string]string
	Render(locale, source string, d messages.Data) (messages.Message, error)
}

// Handler turns a CustomMessage event into a localized reply. Build it with New.
type Handler struct {
	def0 *brand // the default brand: the catalog New was given, APP_NAME, DEFAULT_LOCALE
	def  string
	log  *slog.Logger

	brands            map[string]*brand // by name; nil without brands
	byClient          map[string]*brand // by app client ID
	brandFromMetadata bool
	remember          LocaleWriter // nil: the locale is not remembered (remember.go)
	plainText         bool         // render Outcome.EmailText (WithPlainText)
}

// Option configures a Handler.
type Option func(*options)

type options struct {
	defaultLocale     string
	appName           string
	logger            *slog.Logger
	brands            []Brand
	brandClients      map[string]string
	skippedPairs      []int // of BRAND_CLIENTS
	brandFromMetadata bool
	remember          LocaleWriter
	plainText         bool
}

// WithDefaultLocale sets the locale used when neither the metadata nor the user's attribute match.
// A value that matches no shipped locale is logged as an error and FallbackLocale is used instead.
func WithDefaultLocale(locale string) Option { return func(o *options) { o.defaultLocale = locale } }

// WithAppName sets the product name shown in every message. It is sanitized like a user attribute
// and cut to messages.MaxAppNameUnits; empty means DefaultAppName.
func WithAppName(name string) Option { return func(o *options) { o.appName = name } }

// WithLogger sets where the one JSON line per invocation goes. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithPlainText makes Handle render the email's plain-text part into Outcome.EmailText, for a
// sender that delivers the mail itself. Without it the text is not built: a CustomMessage reply has
// no place for it, and that path stays as fast as before.
func WithPlainText() Option { return func(o *options) { o.plainText = true } }

// New builds a Handler over a catalog.
func New(catalog Catalog, opts ...Option) *Handler {
	o := options{defaultLocale: FallbackLocale}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{log: o.logger, remember: o.remember, plainText: o.plainText}
	appName := messages.Sanitize(o.appName, messages.MaxAppNameUnits)
	if appName == "" {
		appName = DefaultAppName
	}
	if strings.TrimSpace(o.defaultLocale) == "" {
		o.defaultLocale = FallbackLocale
	}
	// This runs at every cold start: list the locales once, and build a second matcher only when
	// the default is not the fallback the first was built around.
	shipped := catalog.Locales()
	aliases := catalog.Aliases()
	locales := NewLocales(shipped, FallbackLocale).WithAliases(aliases)
	def, _, ok := locales.Match(o.defaultLocale)
	if !ok {
		// A bad setting must not break every sign-in: say so once, loudly, and carry on in English.
		h.log.Error("DEFAULT_LOCALE matches no shipped locale; using the fallback",
			"default_locale", o.defaultLocale, "fallback_locale", FallbackLocale, "shipped", shipped)
		def = FallbackLocale
	}
	h.def = def
	if def != FallbackLocale {
		locales = NewLocales(shipped, def).WithAliases(aliases)
	}
	h.def0 = &brand{name: DefaultBrandName, catalog: catalog, appName: appName, defWant: def, locales: locales, def: def}
	h.def0.once.Do(func() {}) // built above
	h.initBrands(&o)
	return h
}

// DefaultLocale returns the locale in effect after validation.
func (h *Handler) DefaultLocale() string { return h.def }

// Outcome is what Handle decided for one event; Invoke turns it into the reply and the log line.
type Outcome struct {
	Response    Response
	Source      string // the trigger source without "CustomMessage_"; "" if unknown
	Brand       string // the brand chosen for the event
	BrandSource string // BrandFromClient, BrandFromMetadata or BrandDefault
	Resolution  Resolution
	Rendered    string // the locale whose templates produced the reply; "" if none
	Fallback    string
	Reason      string // why a fallback happened; names rules and templates, never user data
	RenderTime  time.Duration
	// EmailText is the email as plain text (messages.Message.Text) when Response has an email; the
	// custom sender sends it as the text part, the CustomMessage reply has no place for it.
	EmailText string
	// Remember is what became of writing the metadata's locale to the user (remember.go), and
	// RememberReason why it failed; rememberLocale is the locale Handle chose to write.
	Remember, RememberReason string
	RememberTime             time.Duration // how long the write held the reply up
	rememberLocale           string
}

// Handle is the event → reply logic: pure but for the clock and the context's deadline.
func (h *Handler) Handle(ctx context.Context, ev *Event) Outcome {
	source, ok := strings.CutPrefix(ev.TriggerSource, "CustomMessage_")
	if !ok || !messages.HasSource(source) {
		return Outcome{Fallback: FallbackUntouched, Reason: "unknown trigger source"}
	}
	req := &ev.Request
	b, bsrc := h.chooseBrand(ev)
	b.init(h)
	o := Outcome{Source: source, Brand: b.name, BrandSource: bsrc}
	attrLocale := attribute(req.UserAttributes, "locale")
	o.Resolution = b.locales.Resolve(req.ClientMetadata, attrLocale)
	o.rememberLocale, o.Remember = h.rememberChoice(source, b, o.Resolution, attrLocale)

	ph := messages.Placeholders{Code: req.CodeParameter}
	switch {
	case !messages.ValidPlaceholder(req.CodeParameter):
		return o.fallBack("no usable codeParameter")
	case source == "AdminCreateUser":
		if !messages.ValidPlaceholder(req.UsernameParameter) {
			return o.fallBack("no usable usernameParameter")
		}
		ph.Username = req.UsernameParameter
	}
	if messages.ValidPlaceholder(req.LinkParameter) {
		ph.Link = req.LinkParameter
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < minBudget {
		return o.fallBack("deadline too close")
	}

	data := messages.Data{
		Code:     ph.Code,
		Username: ph.Username,
		Link:     ph.Link,
		WantText: h.plainText,
	}
	// Attributes are whatever the user typed. Until the recipient is proven to own the address or
	// number, none of them goes into the message (sign-up spam); after, only a name that reads as one,
	// and only in the channel the event proves (messages.NameChannels).
	channels := messages.NameChannels(source, req.UserAttributes)

	// The chosen locale in the chosen brand, then the brand's default locale, then the default
	// brand's choice and its default: the first that renders within Cognito's rules is sent. The
	// default brand's choice is worked out only if the brand fails.
	type attempt struct {
		b        *brand
		locale   string
		fallback string
	}
	attempts := [4]attempt{{b, o.Resolution.Locale, FallbackNone}, {b, b.def, FallbackDefaultLocale}}
	n := 2
	start := time.Now()
	var reasons []string
	for i := 0; i < n; i++ {
		a := attempts[i]
		if i == 1 && a.locale == attempts[0].locale || i == 3 && a.locale == attempts[2].locale {
			continue // already tried
		}
		data.AppName = a.b.appName
		msg, err := h.render(a.b, a.locale, source, data, ph, req.UserAttributes, channels)
		if err == nil {
			o.Rendered, o.Fallback, o.Reason = a.locale, a.fallback, strings.Join(reasons, "; ")
			o.RenderTime = time.Since(start)
			o.Response = Response{SMSMessage: &msg.SMS, EmailMessage: &msg.Email, EmailSubject: &msg.Subject}
			o.EmailText = msg.Text
			return o
		}
		reasons = append(reasons, err.Error())
		if i == 1 && b != h.def0 {
			res := h.def0.locales.Resolve(req.ClientMetadata, attrLocale)
			attempts[2] = attempt{h.def0, res.Locale, FallbackDefaultBrand}
			attempts[3] = attempt{h.def0, h.def, FallbackDefaultBrand}
			n = 4
		}
	}
	o.RenderTime = time.Since(start)
	return o.fallBack(strings.Join(reasons, "; "))
}

// fallBack leaves every message to Cognito's own template (null fields).
func (o Outcome) fallBack(reason string) Outcome {
	if o.Reason != "" {
		reason = o.Reason + "; " + reason
	}
	o.Response, o.Fallback, o.Reason = Response{}, FallbackCognitoTemplate, reason
	return o
}

// render renders one locale's message set. The channels that may carry a name (ch) greet by the
// first of attrs that the locale's name attributes and messages.DisplayName accept; the others get
// the neutral message. A name for one channel only costs a second render, for the other channel.
func (h *Handler) render(b *brand, locale, source string, d messages.Data, ph messages.Placeholders, attrs map[string]any, ch messages.Channels) (messages.Message, error) {
	var name string
	if ch.Any() {
		name = displayName(b.catalog.NameAttributes(locale), attrs)
	}
	if ch.Email {
		d.Name = name
	}
	msg, err := b.catalog.Render(locale, source, d)
	if err == nil && name != "" && ch.Email != ch.SMS {
		d.Name, d.WantText = "", false // only the SMS is taken from this render
		if ch.SMS {
			d.Name = name
		}
		var other messages.Message
		other, err = b.catalog.Render(locale, source, d)
		msg.SMS = other.SMS
	}
	if err == nil {
		err = messages.Check(msg, ph)
	}
	if err != nil {
		e := &renderError{locale: locale, source: source, err: err}
		if b != h.def0 {
			e.brand = b.name
		}
		return messages.Message{}, e
	}
	return msg, nil
}

type renderError struct {
	brand, locale, source string
	err                   error
}

func (e *renderError) Error() string {
	s := e.locale + "/" + e.source + ": " + e.err.Error()
	if e.brand != "" {
		s = e.brand + ":" + s
	}
	return s
}
func (e *renderError) Unwrap() error { return e.err }

// displayName is the first of keys' attribute values that reads as a person's name, or "". Only
// strings count: a boolean or a number spelled out is no name.
func displayName(keys []string, attrs map[string]any) string {
	var buf [4]string
	values := buf[:0]
	for _, k := range keys {
		if s, ok := attrs[k].(string); ok {
			values = append(values, s)
		}
	}
	return messages.DisplayName(values...)
}

// nullResponse is the reply part that hands every message back to Cognito.
var nullResponse = json.RawMessage(`{"smsMessage":null,"emailMessage":null,"emailSubject":null}`)

// Invoke implements lambda.Handler on the raw payload, so that the reply can carry JSON nulls and
// every field of the event, known or not, goes back to Cognito unchanged. It never returns an error:
// whatever goes wrong, Cognito gets a reply it can use.
func (h *Handler) Invoke(ctx context.Context, payload []byte) (reply []byte, _ error) {
	start := time.Now()
	var (
		top     map[string]json.RawMessage
		o       Outcome
		lenient bool
	)
	defer func() {
		if r := recover(); r != nil {
			o = Outcome{Source: o.Source, Resolution: o.Resolution}.fallBack("panic")
			reply = withResponse(top, payload, nullResponse)
			h.log.Error("recovered from panic", "panic_type", typeName(r))
		}
		h.logInvocation(ctx, o, lenient, time.Since(start))
	}()

	if err := json.Unmarshal(payload, &top); err != nil || top == nil {
		o = Outcome{}.fallBack("event is not a JSON object")
		return withResponse(nil, payload, nullResponse), nil
	}
	var ev Event
	ev, lenient = decodeEvent(top)
	o = h.Handle(ctx, &ev)
	// After rendering, so the reply is ready whatever becomes of the write.
	writeStart := time.Now()
	o.Remember, o.RememberReason = h.rememberLocale(ctx, &ev, o)
	o.RememberTime = time.Since(writeStart)
	if o.Fallback == FallbackUntouched {
		return payload, nil
	}
	resp, err := marshal(o.Response)
	if err != nil {
		resp = nullResponse
	}
	return withResponse(top, payload, resp), nil
}

// withResponse returns the event with its "response" replaced. Without a parsed object it answers
// with the payload if it is valid JSON (nothing sensible can be added), else with a bare null reply.
func withResponse(top map[string]json.RawMessage, payload []byte, resp json.RawMessage) []byte {
	if top == nil {
		if json.Valid(payload) {
			return payload
		}
		return []byte(`{"response":` + string(nullResponse) + `}`)
	}
	top["response"] = resp
	out, err := marshal(top)
	if err != nil {
		return []byte(`{"response":` + string(nullResponse) + `}`)
	}
	return out
}

// marshal is json.Marshal without HTML escaping: the email is HTML, and "\u003c" for every "<"
// would only make the reply larger and the golden files unreadable.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func typeName(v any) string {
	switch v.(type) {
	case error:
		return "error"
	case string:
		return "string"
	}
	return "other"
}

// logInvocation writes the one line per invocation. It names the trigger, the locales and the
// fallback; it never logs attribute, username or clientMetadata values (Requested is reduced to
// registry codes by loggable).
func (h *Handler) logInvocation(ctx context.Context, o Outcome, lenient bool, total time.Duration) {
	level := slog.LevelInfo
	switch o.Fallback {
	case FallbackDefaultLocale, FallbackDefaultBrand:
		level = slog.LevelWarn
	case FallbackCognitoTemplate:
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("version", Version),
		slog.String("trigger_source", o.Source),
		slog.String("brand", o.Brand),
		slog.String("brand_source", o.BrandSource),
		slog.String("locale_source", string(o.Resolution.Source)),
		slog.String("requested_locale", o.Resolution.Requested),
		slog.String("resolved_locale", o.Resolution.Locale),
		slog.String("rendered_locale", o.Rendered),
		slog.String("fallback", o.Fallback),
		slog.Int64("render_us", o.RenderTime.Microseconds()),
		slog.Int64("total_us", total.Microseconds()),
		slog.String("remember_locale", o.Remember),
	}
	if o.rememberLocale != "" {
		attrs = append(attrs, slog.Int64("remember_us", o.RememberTime.Microseconds()))
	}
	if o.RememberReason != "" {
		attrs = append(attrs, slog.String("remember_reason", o.RememberReason))
	}
	if o.Reason != "" {
		attrs = append(attrs, slog.String("fallback_reason", o.Reason))
	}
	if lenient {
		attrs = append(attrs, slog.Bool("lenient_decode", true))
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = append(attrs, slog.String("request_id", lc.AwsRequestID))
	}
	h.log.LogAttrs(ctx, level, "custom message", attrs...)
}
