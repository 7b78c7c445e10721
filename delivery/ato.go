package delivery

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"cognito-custom-message/internal/atoprog"
	"cognito-custom-message/messages"
	"cognito-custom-message/trigger"
)

// The account-takeover notification (CustomEmailSender_AccountTakeOverNotification): Cognito's threat
// protection saw a risky sign-in and asks the sender to tell the account's owner. There is no code to
// decrypt (request.code is null); the event's user attributes carry what happened. Cognito documents
// them (developer guide, custom email sender; @types/aws-lambda's
// CustomEmailSender_AccountTakeOverNotification_UserAttributes): EVENT_ID, USER_NAME, IP_ADDRESS,
// ACCOUNT_TAKE_OVER_ACTION, ONE_CLICK_LINK_VALID, ONE_CLICK_LINK_INVALID, LOGIN_TIME, FEEDBACK_TOKEN and,
// when known, CITY, COUNTRY, DEVICE_NAME.

// OutcomeSkipped is an event this function deliberately sends nothing for (an ATO mail to an address
// nobody has proven): nil is returned, since another attempt would decide the same.
const OutcomeSkipped = "skipped"

// ATOSource is the sender source (without "CustomEmailSender_") of the account-takeover mail.
const ATOSource = atoprog.Source

// maxDetail is the longest detail shown, in characters after trimming; a longer one is omitted, never
// cut (a cut value could read as something else).
const maxDetail = 64

// atoRenderers are built on the first ATO event from the programs `make generate` compiled
// (delivery/ato_gen.go): nothing is parsed at run time. A variable so that tests can give brands.
var atoRenderers = sync.OnceValue(func() map[string]*atoprog.Renderer { return renderersOf(atoCompiled(), atoBrands) })

// renderersOf is one renderer per brand, the shipped tree's under trigger.DefaultBrandName.
func renderersOf(shipped atoprog.Tree, brands map[string]atoprog.Tree) map[string]*atoprog.Renderer {
	m := map[string]*atoprog.Renderer{trigger.DefaultBrandName: atoprog.NewRenderer(shipped)}
	for name, t := range brands {
		m[name] = atoprog.NewRenderer(t)
	}
	return m
}

// handleATO renders and sends the account-takeover mail.
func (s *Sender) handleATO(ctx context.Context, ev *Event) (r Result, err error) {
	r = Result{Outcome: OutcomeFailed, Channel: ChannelEmail, Source: ATOSource}
	attrs := ev.Request.UserAttributes
	choice := atoChoice(s.render, ev)
	r.Brand = choice.Brand

	// Only to an address someone has proven to own: until then the person who typed it may not own
	// it, and a "suspicious sign-in, click here" mail to a stranger is a phishing and spam vector.
	// Neither case can ever be delivered by trying again, so both are nil, logged.
	to := attribute(attrs, "email")
	switch {
	case to == "":
		r.Outcome, r.ErrorCode = OutcomeSkipped, "no_recipient"
		return r, nil
	case !messages.Verified(attrs["email_verified"]):
		r.Outcome, r.ErrorCode = OutcomeSkipped, "unverified_recipient"
		return r, nil
	}

	d := atoData(attrs, s.now())
	d.AppName = choice.AppName
	msg, locale, fallback, err := renderATO(choice, s.render.DefaultLocale(), d)
	if err != nil {
		r.ErrorCode = "render_failed"
		return r, fmt.Errorf("%w: %s", ErrNoMessage, oneLine(err.Error()))
	}
	// With FallbackDefaultBrand the wording is the shipped one, but the mail is still the brand's:
	// its product name, its From (as CustomMessage mode logs the chosen brand).
	r.Locale, r.Fallback = locale, fallback

	t0 := s.now()
	err = s.mail.SendEmail(ctx, Email{To: to, Subject: msg.Subject, HTML: msg.HTML, Text: msg.Text,
		Locale: locale, Brand: choice.Brand, Source: ATOSource})
	r.Send = s.now().Sub(t0)
	return s.sent(r, ChannelEmail, err)
}

// atoChoice is the brand and locale choice for an ATO event: the sender's, and the failure
// recorder's for the same event (failure.go).
func atoChoice(render *trigger.Handler, ev *Event) trigger.Choice {
	tev := trigger.Event{}
	tev.CognitoEventUserPoolsHeader = ev.CognitoEventUserPoolsHeader
	tev.Request.UserAttributes = ev.Request.UserAttributes
	tev.Request.ClientMetadata = ev.Request.ClientMetadata
	return render.Choose(&tev)
}

// sent turns a delivery's error into the invocation's result, as for the other sources.
func (s *Sender) sent(r Result, ch Channel, err error) (Result, error) {
	var rej *Rejection
	if errors.As(err, &rej) {
		r.Outcome, r.ErrorCode = OutcomeRejected, rej.Code
		return r, fmt.Errorf("send %s: rejected: %s", ch, rej.Code)
	}
	if err != nil {
		r.ErrorCode = serviceCode(err)
		return r, fmt.Errorf("send %s: %s", ch, r.ErrorCode)
	}
	r.Outcome = OutcomeSent
	return r, nil
}

// renderATO renders in the chosen brand's chosen locale, then its default locale, then the
// deployment's default and English; then the same in the shipped (default brand's) files. A
// locale whose translation has not landed yet has no ATO files: it falls back, logged.
func renderATO(c trigger.Choice, deploymentDefault string, d atoprog.Data) (atoprog.Message, string, string, error) {
	rs := atoRenderers()
	type attempt struct {
		r        *atoprog.Renderer
		locale   string
		fallback string
	}
	var attempts []attempt
	if r := rs[c.Brand]; r != nil {
		attempts = append(attempts,
			attempt{r, c.Resolution.Locale, trigger.FallbackNone},
			attempt{r, c.DefaultLocale, trigger.FallbackDefaultLocale},
			attempt{r, deploymentDefault, trigger.FallbackDefaultLocale},
			attempt{r, trigger.FallbackLocale, trigger.FallbackDefaultLocale})
	}
	if c.Brand != trigger.DefaultBrandName {
		def := rs[trigger.DefaultBrandName]
		attempts = append(attempts,
			attempt{def, deploymentDefault, trigger.FallbackDefaultBrand},
			attempt{def, trigger.FallbackLocale, trigger.FallbackDefaultBrand})
	}
	var reasons []string
	for _, a := range attempts {
		if !a.r.Has(a.locale) {
			continue
		}
		m, err := a.r.Render(a.locale, d)
		if err == nil {
			return m, a.locale, a.fallback, nil
		}
		reasons = append(reasons, err.Error())
	}
	if len(reasons) == 0 {
		reasons = append(reasons, "no locale has the "+ATOSource+" files")
	}
	return atoprog.Message{}, "", "", fmt.Errorf("%s", strings.Join(reasons, "; "))
}

// atoData is what the mail may show of the event: each value vetted, omitted when it fails.
// USER_NAME is never shown, nor any display name: usernames can be UUIDs or chosen by whoever signed
// up, and the address the mail goes to already says which account it is about.
func atoData(attrs map[string]any, now time.Time) atoprog.Data {
	d := atoprog.Data{
		Action:      atoAction(attribute(attrs, "ACCOUNT_TAKE_OVER_ACTION")),
		When:        loginTime(attribute(attrs, "LOGIN_TIME"), now),
		IP:          ipAddress(attribute(attrs, "IP_ADDRESS")),
		Device:      detail(attribute(attrs, "DEVICE_NAME")),
		DenyLink:    httpsLink(attribute(attrs, "ONE_CLICK_LINK_INVALID")),
		ConfirmLink: httpsLink(attribute(attrs, "ONE_CLICK_LINK_VALID")),
	}
	var place []string
	for _, k := range []string{"CITY", "COUNTRY"} {
		if v := detail(attribute(attrs, k)); v != "" {
			place = append(place, v)
		}
	}
	d.Place = strings.Join(place, ", ")
	return d
}

// atoAction maps Cognito's AccountTakeoverEventActionType to the templates' .Action: BLOCK blocked
// the attempt; the MFA actions asked for a second factor; NO_ACTION, and anything Cognito may add
// later, get the neutral wording rather than a claim about what happened.
func atoAction(a string) string {
	switch strings.ToUpper(a) {
	case "BLOCK":
		return atoprog.ActionBlocked
	case "MFA", "MFA_IF_CONFIGURED", "MFA_REQUIRED":
		return atoprog.ActionChallenged
	}
	return atoprog.ActionNeutral
}

// detail vets DEVICE_NAME, CITY or COUNTRY for the mail. DEVICE_NAME comes from the sign-in
// attempt's User-Agent, which the person signing in writes: in the risky case, the attacker. So a
// value is shown only if it reads as a device or a place: at most maxDetail printable characters
// (no control, format or invisible characters, no non-breaking spaces) and nothing a mail client
// would turn into a link or a reader could act on — no URL, domain, address or phone number.
// Anything else is omitted, never cut and never shown raw. Hand-written rather than a regexp: a
// package-level regexp would be compiled at every cold start of the sender, also for codes.
func detail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxDetail {
		return ""
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return "" // IsPrint admits only the ASCII space among spaces
		}
	}
	lower := strings.ToLower(s)
	for _, bad := range []string{"://", "www.", "@", "mailto:", "http"} {
		if strings.Contains(lower, bad) {
			return ""
		}
	}
	if domainLike(s) || digitRun(s) >= 5 || phoneLike(s) {
		return ""
	}
	return s
}

// domainLike reports a "label.tld" the way mail clients auto-link bare domains: a letter or digit,
// a dot (or an ideographic/full-width one, which IDNA maps to a dot), then two letters.
func domainLike(s string) bool {
	rs := []rune(s)
	for i := 1; i+2 < len(rs); i++ {
		if r := rs[i]; r != '.' && r != '\u3002' && r != '\uff0e' && r != '\uff61' {
			continue
		}
		before := rs[i-1]
		if (unicode.IsLetter(before) || unicode.IsDigit(before)) && unicode.IsLetter(rs[i+1]) && unicode.IsLetter(rs[i+2]) {
			return true
		}
	}
	return false
}

// digitRun is the longest run of consecutive digits in s (any script's digits).
func digitRun(s string) int {
	longest, n := 0, 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}

// phoneLike reports 7 or more digits joined only by what phone numbers are written with (spaces,
// any dash — "-", U+2011, U+2013 … —, "(", ")", "+", "/"): "+1 (555) 123-4567"; or three digit
// groups of at least three digits each joined by single dots, "555.123.4567", which phones' data
// detectors link as well. Version numbers ("Chrome 120.0.6099.130", "Safari 605.1.15") have a
// shorter group among any three and stay.
func phoneLike(s string) bool {
	digits := 0
	group, groups := 0, 0 // digits in the current dot-joined group; consecutive groups of >= 3
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
			group++
			if digits >= 7 {
				return true
			}
			continue
		case r == ' ' || unicode.Is(unicode.Pd, r) || r == '(' || r == ')' || r == '+' || r == '/':
		default:
			digits = 0
		}
		if group >= 3 {
			groups++
		} else {
			groups = 0
		}
		if groups >= 3 {
			return true
		}
		if r != '.' {
			groups = 0
		}
		group = 0
	}
	return group >= 3 && groups >= 2
}

// ipAddress shows IP_ADDRESS only as an address net/netip parses (no zone: a zone is free text),
// in its canonical form; IPv4-mapped IPv6 addresses as IPv4.
func ipAddress(s string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || a.Zone() != "" {
		return ""
	}
	return a.Unmap().String()
}

// loginTime shows LOGIN_TIME locale-neutrally, "2006-01-02 15:04 UTC", or not at all. Cognito does
// not document its format; these are the forms AWS services write times in: RFC 3339 (with or
// without fraction), ISO 8601 basic ("20060102T150405Z"), Java's Date.toString and RFC 1123 in UTC or
// GMT, and epoch seconds or milliseconds. A time without a zone, in a named zone other than UTC/GMT
// (Go cannot know its offset), before 2010 or more than a day ahead is omitted.
func loginTime(s string, now time.Time) string {
	s = strings.TrimSpace(s)
	t, ok := parseTime(s)
	if !ok || t.Year() < 2010 || t.After(now.Add(24*time.Hour)) {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func parseTime(s string) (time.Time, bool) {
	if s == "" || len(s) > 40 {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch {
		case len(s) >= 9 && len(s) <= 10:
			return time.Unix(n, 0), true
		case len(s) >= 12 && len(s) <= 13:
			return time.UnixMilli(n), true
		}
		return time.Time{}, false
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && strings.Count(s, ".") == 1 && len(strings.Split(s, ".")[0]) == 10 {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "20060102T150405Z0700", "20060102T150405Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	// Zone abbreviations: only the ones that name UTC, since Go invents a zero offset for others.
	if strings.Contains(s, " UTC") || strings.Contains(s, " GMT") {
		for _, layout := range []string{time.UnixDate, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 MST"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// httpsLink shows a one-click link only as an absolute https URL with a host and no user part
// ("https://good@evil"); anything else (http, javascript:, relative) is omitted.
func httpsLink(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2048 || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || !unicode.IsPrint(r) }) {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	return s
}
