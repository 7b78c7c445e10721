package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"cognito-custom-message/messages"
	"cognito-custom-message/templates"
)

// reply is the part of the function's answer a person reads.
type reply struct {
	TriggerSource string `json:"triggerSource"`
	Response      struct {
		SMSMessage   *string `json:"smsMessage"`
		EmailMessage *string `json:"emailMessage"`
		EmailSubject *string `json:"emailSubject"`
	} `json:"response"`
}

// invocationLog is the function's one log line per invocation ("msg":"custom message"), with the
// fields a person asks about. It holds no user data: the handler never logs any.
type invocationLog struct {
	Level           string `json:"level"`
	TriggerSource   string `json:"trigger_source"`
	Brand           string `json:"brand"`
	BrandSource     string `json:"brand_source"`
	LocaleSource    string `json:"locale_source"`
	RequestedLocale string `json:"requested_locale"`
	ResolvedLocale  string `json:"resolved_locale"`
	RenderedLocale  string `json:"rendered_locale"`
	Fallback        string `json:"fallback"`
	FallbackReason  string `json:"fallback_reason"`
	RenderMicros    int64  `json:"render_us"`
	TotalMicros     int64  `json:"total_us"`
}

// invocationMsg is the message of the handler's per-invocation log line.
const invocationMsg = "custom message"

// splitLogs returns the function's JSON log lines in what the emulator and the function wrote: the
// invocation line (nil if none) and the others, as they are.
func splitLogs(output string) (inv *invocationLog, others []string) {
	for _, line := range strings.Split(output, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, `{"time"`) {
			continue // the emulator's own lines
		}
		var head struct {
			Msg string `json:"msg"`
		}
		if json.Unmarshal([]byte(line), &head) == nil && head.Msg == invocationMsg && inv == nil {
			var l invocationLog
			if json.Unmarshal([]byte(line), &l) == nil {
				inv = &l
				continue
			}
		}
		others = append(others, line)
	}
	return inv, others
}

// writeJSON prints the reply as `make invoke FORMAT=json` always has: indented, nothing else.
func writeJSON(w io.Writer, raw []byte) error {
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw, "", "  "); err != nil {
		return fmt.Errorf("reply is not JSON: %w: %s", err, raw)
	}
	pretty.WriteByte('\n')
	_, err := pretty.WriteTo(w)
	return err
}

// writeText prints the reply for a person: what the log line says was chosen, the subject, the SMS
// with its billing, where the HTML is, and the email as plain text. htmlPath is "" when the reply
// has no email.
func writeText(w io.Writer, eventPath string, raw []byte, inv *invocationLog, htmlPath string) error {
	r, err := decodeReply(raw)
	if err != nil {
		return fmt.Errorf("reply is not an event: %w: %s", err, raw)
	}
	var b strings.Builder
	row := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "%-9s %s\n", label, fmt.Sprintf(format, args...))
	}
	row("event", "%s (%s)", eventPath, r.TriggerSource)
	if inv == nil {
		row("log", "the function wrote no invocation log line")
	} else {
		row("locale", "%s", describeLocale(inv))
		row("brand", "%s", describeBrand(inv))
		if inv.Fallback == "none" || inv.Fallback == "" {
			row("fallback", "none")
		} else {
			row("fallback", "%s: %s", inv.Fallback, orDash(inv.FallbackReason))
		}
		row("time", "%d µs rendering, %d µs in the handler", inv.RenderMicros, inv.TotalMicros)
	}
	b.WriteByte('\n')

	const null = "null: Cognito sends the pool's own template"
	if s := r.Response.EmailSubject; s != nil {
		row("subject", "%s", *s)
	} else {
		row("subject", null)
	}
	if s := r.Response.SMSMessage; s != nil {
		chars, enc, segs := templates.SMSSegments(*s)
		row("sms", "%s", *s)
		row("", "%d characters, %s, %s", chars, enc, plural(segs, "segment"))
	} else {
		row("sms", null)
	}
	if s := r.Response.EmailMessage; s != nil {
		row("email", "%s (%d characters of HTML; opened nowhere)", htmlPath, messages.UTF16Len(*s))
		b.WriteByte('\n')
		for _, line := range strings.Split(PlainText(*s), "\n") {
			if line == "" {
				b.WriteByte('\n')
				continue
			}
			b.WriteString("    " + line + "\n")
		}
	} else {
		row("email", null)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// describeLocale says which locale rendered the reply and why, from the log line.
func describeLocale(l *invocationLog) string {
	from := map[string]string{
		"clientMetadata": "clientMetadata.locale",
		"userAttribute":  "the user's locale attribute",
		"default":        "the default locale",
	}[l.LocaleSource]
	if from == "" {
		from = orDash(l.LocaleSource)
	}
	s := fmt.Sprintf("%s, from %s", orDash(l.RenderedLocale), from)
	if l.RequestedLocale != "" {
		s += fmt.Sprintf(" (requested %s)", l.RequestedLocale)
	}
	if l.RenderedLocale != l.ResolvedLocale {
		s += fmt.Sprintf("; resolved %s, which did not render", orDash(l.ResolvedLocale))
	}
	return s
}

// describeBrand says which brand answered and what chose it, from the log line.
func describeBrand(l *invocationLog) string {
	switch l.BrandSource {
	case "clientId":
		return l.Brand + ", by the app client ID"
	case "clientMetadata":
		return l.Brand + ", by clientMetadata.brand"
	case "default":
		return l.Brand + " (no brand for this app client)"
	}
	return fmt.Sprintf("%s (%s)", orDash(l.Brand), orDash(l.BrandSource))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func decodeReply(raw []byte) (reply, error) {
	var r reply
	err := json.Unmarshal(raw, &r)
	return r, err
}
