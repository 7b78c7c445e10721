package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"cognito-custom-message/internal/atomail"
	"cognito-custom-message/trigger"
)

// SendError is the error Handle returns to Lambda when an invocation failed. Lambda writes its type
// name ("SendError") as errorType and Error() as errorMessage into the invocation record, so the
// failure recorder reads Code back from a message it knows the shape of: "<code>: <error>".
type SendError struct {
	Code string // Result.ErrorCode: missing_code, decrypt_failed, a service error code, …
	Err  error  // names the failure, never the code or an address (Handle)
}

func (e *SendError) Error() string {
	if e.Err == nil {
		return e.Code
	}
	return e.Code + ": " + e.Err.Error()
}

func (e *SendError) Unwrap() error { return e.Err }

// InvocationRecord is the document Lambda sends an asynchronous invocation's on-failure destination
// after the last attempt (Lambda developer guide, "Capturing records of Lambda asynchronous
// invocations": the example invocation record). RequestPayload is the whole event the sender was
// given — addresses, names, the encrypted code — which is why the destination is the recorder and not
// the queue.
type InvocationRecord struct {
	Version        string `json:"version"`
	Timestamp      string `json:"timestamp"` // when the record was made: the failure
	RequestContext struct {
		RequestID              string `json:"requestId"`
		FunctionArn            string `json:"functionArn"`
		Condition              string `json:"condition"` // RetriesExhausted, EventAgeExceeded
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	RequestPayload  json.RawMessage `json:"requestPayload"`
	ResponseContext struct {
		StatusCode      int    `json:"statusCode"`
		ExecutedVersion string `json:"executedVersion"`
		FunctionError   string `json:"functionError"` // Handled (the function's error) or Unhandled (timeout, crash)
	} `json:"responseContext"`
	ResponsePayload json.RawMessage `json:"responsePayload"` // {"errorMessage", "errorType", "stackTrace"}
}

// FailureSchema is the version of the Failure message; a change of its fields' meaning bumps it.
const FailureSchema = 1

// Failure is the one message the recorder queues per failed invocation: what an operator needs to
// act, and nothing of the event's personal data — no address, name, user name, metadata value or
// code. Fields it could not read are left out; Problem says why.
type Failure struct {
	Schema        int    `json:"schema"`
	Problem       string `json:"problem,omitempty"`
	TriggerSource string `json:"trigger_source,omitempty"`
	Channel       string `json:"channel,omitempty"`
	Brand         string `json:"brand,omitempty"`
	Locale        string `json:"locale,omitempty"` // the locale the message was (or would have been) rendered in
	Error         string `json:"error,omitempty"`
	ErrorCode     string `json:"error_code,omitempty"`
	ErrorType     string `json:"error_type,omitempty"`
	FunctionError string `json:"function_error,omitempty"`
	Condition     string `json:"condition,omitempty"`
	Attempts      int    `json:"attempts,omitempty"`
	FailedAt      string `json:"failed_at,omitempty"`
	RecordedAt    string `json:"recorded_at"`
	RequestID     string `json:"request_id,omitempty"`
	UserPoolID    string `json:"user_pool_id,omitempty"`
	ClientID      string `json:"client_id,omitempty"`
	// UserSub is the user's sub attribute: an opaque ID Cognito assigns and nobody can change, which
	// finds the account (ListUsers filter sub = "…") for someone allowed to read the pool. The event's
	// userName is not taken: in a pool without username attributes it is whatever the user typed,
	// often an address or a name.
	UserSub     string `json:"user_sub,omitempty"`
	FunctionArn string `json:"function_arn,omitempty"`
}

// FailureQueue receives the recorder's messages (SQS in the Lambda).
type FailureQueue interface {
	Send(ctx context.Context, body string) error
}

// FailureRecorder is the sender's on-failure destination: it turns Lambda's invocation record into a
// Failure and queues that. Build it with NewFailureRecorder.
type FailureRecorder struct {
	render *trigger.Handler
	queue  FailureQueue
	log    *slog.Logger
	now    func() time.Time
}

// NewFailureRecorder builds a recorder. render must be configured as the sender's (DEFAULT_LOCALE,
// brands, BRAND_CLIENTS, ALLOW_BRAND_FROM_METADATA): a failure's brand and locale are decided by it,
// from the failed event, with the sender's own rules.
func NewFailureRecorder(render *trigger.Handler, q FailureQueue, log *slog.Logger) *FailureRecorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &FailureRecorder{render: render, queue: q, log: log, now: time.Now}
}

// ErrQueue is returned when the Failure could not be queued: Lambda retries the recorder.
var ErrQueue = errors.New("the failure could not be queued")

// Handle is the lambda handler. Every payload gets one queued message, a malformed one too (with
// Problem set and nothing of its content): an operator is told that something failed. It fails only
// when the queue refuses the message, so that Lambda retries; the log line holds the same Failure.
func (f *FailureRecorder) Handle(ctx context.Context, payload json.RawMessage) error {
	fl := f.Describe(ctx, payload)
	body, err := json.Marshal(fl)
	if err == nil {
		err = f.queue.Send(ctx, string(body))
	}
	level, outcome := slog.LevelWarn, "queued"
	if err != nil {
		level, outcome = slog.LevelError, "queue_failed"
	}
	attrs := []slog.Attr{
		slog.String("version", trigger.Version),
		slog.String("outcome", outcome),
		slog.Any("failure", fl),
	}
	if err != nil {
		// The SDK's error names the queue and the service's code, nothing of the event.
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = append(attrs, slog.String("request_id", lc.AwsRequestID))
	}
	f.log.LogAttrs(ctx, level, "failure recorder", attrs...)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrQueue, oneLine(err.Error()))
	}
	return nil
}

// Describe builds the Failure of one invocation record. It copies only fields it validates against
// their documented shape, so that no free text of the event reaches the queue but the error, from
// which every personal value of the event is removed (redact).
func (f *FailureRecorder) Describe(ctx context.Context, payload []byte) Failure {
	fl := Failure{Schema: FailureSchema, RecordedAt: f.now().UTC().Format(timeFormat)}
	var rec InvocationRecord
	if err := json.Unmarshal(payload, &rec); err != nil {
		// The decoder's message can quote the payload: a fixed text instead.
		fl.Problem = "not an invocation record: not a JSON object of its shape"
		return fl
	}
	rc := rec.RequestContext
	fl.RequestID = valid(requestIDRe, rc.RequestID)
	fl.FunctionArn = valid(functionArnRe, rc.FunctionArn)
	fl.Condition = valid(wordRe, rc.Condition)
	fl.FunctionError = valid(wordRe, rec.ResponseContext.FunctionError)
	if rc.ApproximateInvokeCount > 0 {
		fl.Attempts = rc.ApproximateInvokeCount
	}
	if t, err := time.Parse(time.RFC3339Nano, rec.Timestamp); err == nil {
		fl.FailedAt = t.UTC().Format(timeFormat)
	}

	var ev Event
	var evOK bool
	if len(rec.RequestPayload) == 0 || string(rec.RequestPayload) == "null" {
		fl.Problem = "no requestPayload: not an invocation record of the sender"
	} else if err := json.Unmarshal(rec.RequestPayload, &ev); err != nil {
		fl.Problem = "requestPayload is not a custom sender event"
	} else {
		evOK = true
		fl.TriggerSource = valid(senderSourceRe, ev.TriggerSource)
		fl.UserPoolID = valid(userPoolIDRe, ev.UserPoolID)
		fl.ClientID = valid(clientIDRe, ev.CallerContext.ClientID)
		fl.UserSub = valid(subRe, attribute(ev.Request.UserAttributes, "sub"))
		if ch, source, ok := splitSource(fl.TriggerSource); ok {
			fl.Channel = string(ch)
			if ch == ChannelEmail && source == ATOSource {
				// Not a CustomMessage source: the sender's own ATO choice and fallbacks (ato.go).
				c := atoChoice(f.render, &ev)
				fl.Brand, fl.Locale = c.Brand, c.Resolution.Locale
				if _, loc, _, err := renderATO(c, f.render.DefaultLocale(), atomail.Data{}); err == nil {
					fl.Locale = loc
				}
			} else if o := f.render.Handle(ctx, renderEvent(&ev, source)); o.Fallback != trigger.FallbackUntouched {
				fl.Brand, fl.Locale = o.Brand, o.Rendered
				if fl.Locale == "" {
					fl.Locale = o.Resolution.Locale
				}
			}
		}
	}

	var resp struct {
		Message *string `json:"errorMessage"`
		Type    string  `json:"errorType"`
	}
	if json.Unmarshal(rec.ResponsePayload, &resp) != nil || resp.Message == nil {
		if fl.FunctionError != "" {
			fl.ErrorCode = strings.ToLower(fl.FunctionError)
		}
		return fl
	}
	fl.ErrorType = valid(errorTypeRe, resp.Type)
	msg := *resp.Message
	if code, rest, ok := strings.Cut(msg, ": "); ok && resp.Type == "SendError" && errorCodeRe().MatchString(code) {
		// The sender's own error (SendError): its code, and a text that names no address or code.
		fl.ErrorCode, msg = code, rest
	} else if fl.FunctionError != "" {
		// Lambda's or the runtime's (a timeout, a crash): their text is not ours, redact covers it.
		fl.ErrorCode = strings.ToLower(fl.FunctionError)
	}
	var secrets []string
	if evOK {
		secrets = personalValues(&ev)
	}
	fl.Error = cut(oneLine(redact(msg, secrets)), maxErrorRunes)
	return fl
}

const (
	timeFormat    = "2006-01-02T15:04:05.000Z07:00"
	maxErrorRunes = 1000
	// minSecret is the shortest event value removed from an error text: shorter ones ("en",
	// "true") are not personal and would blank ordinary words.
	minSecret = 4
	redacted  = "[redacted]"
)

// The shapes a copied field must have (Cognito's and Lambda's API references); anything else is
// left out rather than quoted. Compiled on the recorder's first record, not at init: their counted
// repetitions ({1,128}) make large programs, and the sender's cold starts never use them (measured
// with GODEBUG=inittrace=1: package delivery's init went from 5.5 ms to nothing).
var (
	requestIDRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z-]{1,64}$`) })
	functionArnRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$`)
	})
	wordRe         = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z]{1,32}$`) })
	senderSourceRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^Custom(Email|SMS)Sender_[A-Za-z]{1,64}$`) })
	userPoolIDRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w-]+_[0-9A-Za-z]+$`) })
	clientIDRe     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+]{1,128}$`) })
	subRe          = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	})
	errorTypeRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.*]{1,64}$`) })
	errorCodeRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.]{1,64}$`) })
)

func valid(re func() *regexp.Regexp, s string) string {
	if len(s) <= 256 && re().MatchString(s) {
		return s
	}
	return ""
}

// personalValues are the event's values that must not reach the queue: every attribute, the user
// name, every metadata value and the encrypted code.
func personalValues(ev *Event) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); utf8.RuneCountInString(s) >= minSecret {
			out = append(out, s)
		}
	}
	for _, v := range ev.Request.UserAttributes {
		switch v := v.(type) {
		case string:
			add(v)
		case float64, bool:
			add(fmt.Sprint(v))
		}
	}
	for _, v := range ev.Request.ClientMetadata {
		add(v)
	}
	add(ev.UserName)
	if ev.Request.Code != nil {
		add(*ev.Request.Code)
	}
	return out
}

// redact removes every secret from s, ignoring case (an SDK may lower-case an address). The
// sender's own errors never carry one; this covers texts that are not the sender's (a panic's value,
// a runtime's message) and any future slip.
func redact(s string, secrets []string) string {
	if len(secrets) == 0 {
		return s
	}
	// Longest first, so that a value containing another is removed whole.
	secrets = slices.Clone(secrets)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	quoted := make([]string, len(secrets))
	for i, v := range secrets {
		quoted[i] = regexp.QuoteMeta(v)
	}
	return regexp.MustCompile(`(?i)`+strings.Join(quoted, "|")).ReplaceAllString(s, redacted)
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
