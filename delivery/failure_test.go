package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"cognito-custom-message/messages"
	"cognito-custom-message/trigger"
)

// Personal values of the failed event: none of them may reach the queue or the recorder's log.
const (
	failEmail    = "ada.lovelace@example.com"
	failGiven    = "Augusta"
	failFamily   = "Lovelace"
	failPhone    = "+447700900123"
	failUserName = "countess1815"
	failMetadata = "spring-sale-7731"
	failSub      = "8d1f0a52-3c4b-4e7e-9a1d-2b6c0f9e4a77"
	failCode     = "QUFBQUFCQkJCQkNDQ0NERERE" // stands in for the ciphertext
)

func failedEvent(source, client string) Event {
	var ev Event
	ev.Version, ev.TriggerSource, ev.Region = "1", source, "eu-west-1"
	ev.UserPoolID, ev.UserName = "eu-west-1_AbCdEf123", failUserName
	ev.CallerContext.ClientID = client
	ev.Request.Type = "customEmailSenderRequestV1"
	c := failCode
	ev.Request.Code = &c
	ev.Request.UserAttributes = map[string]any{
		"sub": failSub, "email": failEmail, "email_verified": "false", "phone_number": failPhone,
		"given_name": failGiven, "family_name": failFamily, "name": failGiven + " " + failFamily,
	}
	ev.Request.ClientMetadata = map[string]string{"locale": "fr-CA", "campaign": failMetadata}
	return ev
}

// lambdaErrorPayload is the responsePayload Lambda writes for an error the Go runtime returned:
// aws-lambda-go names the type by reflection (lambda/errors.go) and the message is Error().
func lambdaErrorPayload(t *testing.T, err error) json.RawMessage {
	t.Helper()
	typ := reflect.TypeOf(err)
	if typ.Kind() == reflect.Ptr {
		typ = typ.Elem()
	}
	b, _ := json.Marshal(map[string]any{"errorMessage": err.Error(), "errorType": typ.Name()})
	return b
}

// record is Lambda's invocation record for ev after the retries, in the shape its developer guide
// documents.
func record(t *testing.T, ev any, response json.RawMessage, functionError string) []byte {
	t.Helper()
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	rec := map[string]any{
		"version":   "1.0",
		"timestamp": "2026-12-02T01:52:47.333Z",
		"requestContext": map[string]any{
			"requestId":              "e4b46cbf-b738-4a1c-8880-a18cdf61200e",
			"functionArn":            "arn:aws:lambda:eu-west-1:123456789012:function:CognitoCustomMessage-dev-Sender:$LATEST",
			"condition":              "RetriesExhausted",
			"approximateInvokeCount": 3,
		},
		"requestPayload":  json.RawMessage(payload),
		"responseContext": map[string]any{"statusCode": 200, "executedVersion": "$LATEST", "functionError": functionError},
	}
	if response != nil {
		rec["responsePayload"] = response
	}
	b, _ := json.Marshal(rec)
	return b
}

type failingMailer struct{ err error }

func (f failingMailer) SendEmail(context.Context, Email) error { return f.err }

type recordingQueue struct {
	bodies []string
	err    error
}

func (q *recordingQueue) Send(_ context.Context, body string) error {
	if q.err != nil {
		return q.err
	}
	q.bodies = append(q.bodies, body)
	return nil
}

var northwind = trigger.Brand{Name: "northwind", AppName: "Northwind", ClientIDs: []string{"northwindclient"}, Catalog: messages.Compiled()}

func renderWithBrand() *trigger.Handler {
	return trigger.New(messages.Compiled(), trigger.WithAppName("Example"), trigger.WithBrands(northwind), trigger.WithPlainText())
}

// assertNoPersonalData fails if s holds any value of failedEvent that is not an ID we keep.
func assertNoPersonalData(t *testing.T, what, s string) {
	t.Helper()
	for _, v := range []string{failEmail, "ada.lovelace", failGiven, failFamily, failPhone, "7700900123", failUserName, failMetadata, failCode} {
		if strings.Contains(strings.ToLower(s), strings.ToLower(v)) {
			t.Errorf("%s contains %q: %s", what, v, s)
		}
	}
}

// TestDescribeSenderFailure: a real failed invocation of the sender (its mailer fails, as an SES
// that does not answer does) becomes a Failure with the sender's own brand, locale, code and text
// and none of the event's personal values.
func TestDescribeSenderFailure(t *testing.T) {
	var logs bytes.Buffer
	ev := failedEvent("CustomEmailSender_SignUp", "northwindclient")
	s := New(renderWithBrand(), plainDecrypter{}, failingMailer{errors.New("dial tcp 127.0.0.1:1: connect: connection refused")}, nil,
		slog.New(slog.NewJSONHandler(&logs, nil)))
	err := s.Handle(context.Background(), ev)
	if err == nil {
		t.Fatal("the sender did not fail")
	}
	var sendLog map[string]any
	if json.Unmarshal(logs.Bytes(), &sendLog) != nil {
		t.Fatalf("sender log %s", logs.String())
	}
	r := NewFailureRecorder(renderWithBrand(), &recordingQueue{}, nil)
	r.now = func() time.Time { return time.Date(2026, 12, 2, 1, 53, 0, 0, time.UTC) }
	fl := r.Describe(context.Background(), record(t, ev, lambdaErrorPayload(t, err), "Handled"))
	want := Failure{
		Schema: 1, TriggerSource: "CustomEmailSender_SignUp", Channel: "email",
		Brand: "northwind", Locale: "fr",
		Error: "send email: transport", ErrorCode: "transport", ErrorType: "SendError", FunctionError: "Handled",
		Condition: "RetriesExhausted", Attempts: 3,
		FailedAt: "2026-12-02T01:52:47.333Z", RecordedAt: "2026-12-02T01:53:00.000Z",
		RequestID: "e4b46cbf-b738-4a1c-8880-a18cdf61200e", UserPoolID: "eu-west-1_AbCdEf123", ClientID: "northwindclient",
		UserSub: failSub, FunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:CognitoCustomMessage-dev-Sender:$LATEST",
	}
	if fl != want {
		t.Errorf("got  %+v\nwant %+v", fl, want)
	}
	// The same rules as the sender's: its own log line named this brand and locale.
	if sendLog["brand"] != fl.Brand || sendLog["rendered_locale"] != fl.Locale || sendLog["error_code"] != fl.ErrorCode {
		t.Errorf("sender logged brand %v, locale %v, code %v; recorder has %s, %s, %s",
			sendLog["brand"], sendLog["rendered_locale"], sendLog["error_code"], fl.Brand, fl.Locale, fl.ErrorCode)
	}
	b, _ := json.Marshal(fl)
	assertNoPersonalData(t, "the failure", string(b))
}

// TestDescribeRecords: every shape a record can have gets a defined Failure.
func TestDescribeRecords(t *testing.T) {
	ev := failedEvent("CustomEmailSender_ForgotPassword", "appclient")
	panicText := json.RawMessage(`{"errorMessage":"runtime error: bad address ` + strings.ToUpper(failEmail) + ` for ` + failGiven + ` ` + failFamily + ` (` + failCode + `) user ` + failUserName + ` campaign ` + failMetadata + `","errorType":"runtimeError","stackTrace":[{"path":"x.go","line":1,"label":"` + failEmail + `"}]}`)
	timeout := json.RawMessage(`{"errorMessage":"2026-12-02T01:52:47.333Z e4b46cbf Task timed out after 10.01 seconds"}`)
	bad := failedEvent("CustomEmailSender_SignUp", "client id with spaces")
	bad.TriggerSource = "CustomEmailSender_SignUp " + failEmail
	bad.UserPoolID = failEmail
	bad.Request.UserAttributes["sub"] = failEmail
	sendErr := lambdaErrorPayload(t, &SendError{Code: "decrypt_failed", Err: ErrDecrypt})
	for _, c := range []struct {
		name    string
		payload []byte
		check   func(t *testing.T, fl Failure)
	}{
		{"a panic quoting the address: redacted, stack trace dropped", record(t, ev, panicText, "Unhandled"), func(t *testing.T, fl Failure) {
			if fl.Error != "runtime error: bad address [redacted] for [redacted] ([redacted]) user [redacted] campaign [redacted]" || fl.ErrorCode != "unhandled" || fl.ErrorType != "runtimeError" {
				t.Errorf("error %q code %q type %q", fl.Error, fl.ErrorCode, fl.ErrorType)
			}
			if fl.Brand != trigger.DefaultBrandName || fl.Locale != "fr" || fl.TriggerSource != "CustomEmailSender_ForgotPassword" {
				t.Errorf("brand %q locale %q source %q", fl.Brand, fl.Locale, fl.TriggerSource)
			}
		}},
		{"a timeout: Lambda's text, code unhandled", record(t, ev, timeout, "Unhandled"), func(t *testing.T, fl Failure) {
			if !strings.Contains(fl.Error, "Task timed out") || fl.ErrorCode != "unhandled" || fl.ErrorType != "" {
				t.Errorf("error %q code %q type %q", fl.Error, fl.ErrorCode, fl.ErrorType)
			}
		}},
		{"the sender's own error: its code", record(t, ev, sendErr, "Handled"), func(t *testing.T, fl Failure) {
			if fl.Error != "request.code does not decrypt" || fl.ErrorCode != "decrypt_failed" {
				t.Errorf("error %q code %q", fl.Error, fl.ErrorCode)
			}
		}},
		{"a code-like prefix from another error type is not taken as a code", record(t, ev, json.RawMessage(`{"errorMessage":"evil: x","errorType":"errorString"}`), "Handled"), func(t *testing.T, fl Failure) {
			if fl.ErrorCode != "handled" || fl.Error != "evil: x" {
				t.Errorf("error %q code %q", fl.Error, fl.ErrorCode)
			}
		}},
		{"event too old: no response", record(t, ev, nil, ""), func(t *testing.T, fl Failure) {
			if fl.Error != "" || fl.ErrorCode != "" || fl.TriggerSource == "" || fl.RequestID == "" {
				t.Errorf("%+v", fl)
			}
		}},
		{"fields of another shape are left out", record(t, bad, sendErr, "Handled"), func(t *testing.T, fl Failure) {
			if fl.TriggerSource != "" || fl.UserPoolID != "" || fl.ClientID != "" || fl.UserSub != "" || fl.Channel != "" || fl.Brand != "" {
				t.Errorf("%+v", fl)
			}
			if fl.RequestID == "" || fl.ErrorCode != "decrypt_failed" {
				t.Errorf("the record's own fields were lost: %+v", fl)
			}
		}},
		{"not JSON", []byte("ada.lovelace@example.com is not a record"), func(t *testing.T, fl Failure) {
			if fl != (Failure{Schema: 1, RecordedAt: fl.RecordedAt, Problem: "not an invocation record: not a JSON object of its shape"}) || fl.RecordedAt == "" {
				t.Errorf("%+v", fl)
			}
		}},
		{"a JSON array", []byte(`["` + failEmail + `"]`), func(t *testing.T, fl Failure) {
			if fl.Problem == "" || fl.RequestID != "" {
				t.Errorf("%+v", fl)
			}
		}},
		{"no requestPayload", []byte(`{"requestContext":{"requestId":"abc-123","approximateInvokeCount":1}}`), func(t *testing.T, fl Failure) {
			if fl.Problem != "no requestPayload: not an invocation record of the sender" || fl.RequestID != "abc-123" || fl.Attempts != 1 {
				t.Errorf("%+v", fl)
			}
		}},
		{"requestPayload not an event", []byte(`{"requestContext":{"requestId":"abc-123"},"requestPayload":"` + failEmail + `"}`), func(t *testing.T, fl Failure) {
			if fl.Problem != "requestPayload is not a custom sender event" || fl.TriggerSource != "" {
				t.Errorf("%+v", fl)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fl := NewFailureRecorder(renderWithBrand(), &recordingQueue{}, nil).Describe(context.Background(), c.payload)
			c.check(t, fl)
			b, _ := json.Marshal(fl)
			assertNoPersonalData(t, "the failure", string(b))
		})
	}
}

// TestRecorderQueueFailure: when the queue refuses, the recorder fails (Lambda retries it) and its
// log line still holds the sanitized Failure.
func TestRecorderQueueFailure(t *testing.T) {
	var logs bytes.Buffer
	ev := failedEvent("CustomEmailSender_SignUp", "appclient")
	q := &recordingQueue{err: errors.New("sqs SendMessage: AccessDenied")}
	r := NewFailureRecorder(renderWithBrand(), q, slog.New(slog.NewJSONHandler(&logs, nil)))
	err := r.Handle(context.Background(), record(t, ev, lambdaErrorPayload(t, &SendError{Code: "transport", Err: errors.New("send email: transport")}), "Handled"))
	if !errors.Is(err, ErrQueue) {
		t.Fatalf("got %v; want ErrQueue", err)
	}
	var line struct {
		Msg, Outcome string
		Failure      Failure
	}
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line.Outcome != "queue_failed" || line.Failure.ErrorCode != "transport" || line.Failure.RequestID == "" {
		t.Errorf("log line %s", logs.String())
	}
	assertNoPersonalData(t, "the recorder's log", logs.String())
}

// TestSendErrorKeepsTheCause: Handle's error still unwraps to the sender's sentinel errors, and its
// text is "<error_code>: <error>", what the recorder parses.
func TestSendErrorKeepsTheCause(t *testing.T) {
	s := New(trigger.New(messages.Compiled()), plainDecrypter{}, &recordingMailer{}, nil, nil)
	err := s.Handle(context.Background(), codeEvent("CustomEmailSender_SignUp", map[string]any{}))
	var se *SendError
	if !errors.As(err, &se) || !errors.Is(err, ErrNoRecipient) || err.Error() != "no_recipient: no recipient attribute" {
		t.Errorf("got %v (%T)", err, err)
	}
}

// TestDescribeATOFailure: a failed account-takeover mail is recorded with the brand and locale the
// sender logged, as every other source is (the ATO mail is not a CustomMessage source, so the
// CustomMessage renderer alone cannot decide them).
func TestDescribeATOFailure(t *testing.T) {
	for _, c := range []struct{ client, brand, locale string }{
		{"web-client", trigger.DefaultBrandName, "fr"},
		// northwind has no ATO files of its own without -tags brands: the sender falls back to the
		// shipped English (with them, as .ci/run builds, its own tree has fr; see below).
		{"northwindclient", "northwind", "en"},
	} {
		t.Run(c.brand, func(t *testing.T) {
			if tr, ok := atoBrands[c.brand]; ok {
				if _, ok := tr.Locales["fr"]; ok {
					c.locale = "fr"
				}
			}
			var logs bytes.Buffer
			ev := atoEvent(map[string]any{"locale": "fr-CA"})
			ev.CallerContext.ClientID = c.client
			s := New(renderWithBrand(), nil, failingMailer{errors.New("dial tcp 127.0.0.1:1: connect: connection refused")}, nil,
				slog.New(slog.NewJSONHandler(&logs, nil)))
			s.now = func() time.Time { return atoNow }
			err := s.Handle(context.Background(), ev)
			if err == nil {
				t.Fatal("the sender did not fail")
			}
			var sendLog map[string]any
			if json.Unmarshal(logs.Bytes(), &sendLog) != nil {
				t.Fatalf("sender log %s", logs.String())
			}
			fl := NewFailureRecorder(renderWithBrand(), &recordingQueue{}, nil).Describe(context.Background(), record(t, ev, lambdaErrorPayload(t, err), "Handled"))
			if fl.Brand != c.brand || fl.Locale != c.locale || fl.TriggerSource != "CustomEmailSender_AccountTakeOverNotification" || fl.ErrorCode != "transport" {
				t.Errorf("brand %q locale %q source %q code %q; want %s, %s, the ATO source, transport", fl.Brand, fl.Locale, fl.TriggerSource, fl.ErrorCode, c.brand, c.locale)
			}
			if sendLog["brand"] != fl.Brand || sendLog["rendered_locale"] != fl.Locale {
				t.Errorf("sender logged brand %v, locale %v; recorder has %q, %q", sendLog["brand"], sendLog["rendered_locale"], fl.Brand, fl.Locale)
			}
			b, _ := json.Marshal(fl)
			for _, v := range []string{"owner@example.net", "mallory-chose-this", "203.0.113.7", "Berlin", "Firefox", "token="} {
				if strings.Contains(string(b), v) {
					t.Errorf("the failure holds %q: %s", v, b)
				}
			}
		})
	}
}

type panickingMailer struct{}

func (panickingMailer) SendEmail(_ context.Context, m Email) error { panic("cannot send to " + m.To) }

// TestSenderPanicIsAFailure: a panic inside the sender is a SendError the recorder reads (Lambda
// retries, then records it), not a crash: aws-lambda-go would report the panic's value and stack
// trace as the error and print them raw into the log, and a value can quote the event.
func TestSenderPanicIsAFailure(t *testing.T) {
	var logs bytes.Buffer
	ev := failedEvent("CustomEmailSender_SignUp", "appclient")
	s := New(renderWithBrand(), plainDecrypter{}, panickingMailer{}, nil, slog.New(slog.NewJSONHandler(&logs, nil)))
	err := s.Handle(context.Background(), ev)
	var se *SendError
	if !errors.As(err, &se) || se.Code != "panic" {
		t.Fatalf("got %v (%T); want a SendError with code panic", err, err)
	}
	assertNoPersonalData(t, "the error", err.Error())
	assertNoPersonalData(t, "the log", logs.String())
	if !strings.Contains(logs.String(), `"outcome":"failed"`) || !strings.Contains(logs.String(), `"error_code":"panic"`) {
		t.Errorf("log %s", logs.String())
	}
	fl := NewFailureRecorder(renderWithBrand(), &recordingQueue{}, nil).Describe(context.Background(), record(t, ev, lambdaErrorPayload(t, err), "Handled"))
	if fl.ErrorCode != "panic" || fl.TriggerSource != "CustomEmailSender_SignUp" {
		t.Errorf("%+v", fl)
	}
}
