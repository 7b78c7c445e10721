package delivery

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"cognito-custom-message/messages"
	"cognito-custom-message/trigger"
)

// plainDecrypter "decrypts" by returning the ciphertext: for the cases where KMS is not the point.
type plainDecrypter struct{}

func (plainDecrypter) Decrypt(_ context.Context, ct []byte) ([]byte, error) { return ct, nil }

type recordingMailer struct{ sent []Email }

func (r *recordingMailer) SendEmail(_ context.Context, m Email) error {
	r.sent = append(r.sent, m)
	return nil
}

// failingCatalog renders nothing: every locale of every brand fails.
type failingCatalog struct{ messages.Table }

func (failingCatalog) Render(string, string, messages.Data) (messages.Message, error) {
	return messages.Message{}, errors.New("broken template")
}

func codeEvent(source string, attrs map[string]any) Event {
	var ev Event
	ev.TriggerSource = source
	c := "MTIzNDU2" // base64 of 123456
	ev.Request.Code, ev.Request.UserAttributes = &c, attrs
	return ev
}

// With no Cognito template behind it, a message that cannot be rendered is an error, never an
// empty mail.
func TestRenderFailureIsAnError(t *testing.T) {
	m := &recordingMailer{}
	s := New(trigger.New(failingCatalog{messages.Compiled()}), plainDecrypter{}, m, nil, nil)
	err := s.Handle(context.Background(), codeEvent("CustomEmailSender_SignUp", map[string]any{"email": "a@example.net"}))
	if !errors.Is(err, ErrNoMessage) || len(m.sent) != 0 {
		t.Fatalf("got %v and %d mails; want ErrNoMessage and none", err, len(m.sent))
	}
}

func TestNoRecipientIsAnError(t *testing.T) {
	m := &recordingMailer{}
	var logs bytes.Buffer
	s := New(trigger.New(messages.Compiled()), plainDecrypter{}, m, nil, slog.New(slog.NewJSONHandler(&logs, nil)))
	err := s.Handle(context.Background(), codeEvent("CustomEmailSender_SignUp", map[string]any{"phone_number": "+15555550100"}))
	if !errors.Is(err, ErrNoRecipient) || len(m.sent) != 0 {
		t.Fatalf("got %v and %d mails; want ErrNoRecipient and none", err, len(m.sent))
	}
	if !strings.Contains(logs.String(), `"error_code":"no_recipient"`) || strings.Contains(logs.String(), "+15555550100") {
		t.Errorf("log %s", logs.String())
	}
}

// fakeSES answers SendEmail with throttling for the first `throttle` calls, then success.
func fakeSES(t *testing.T, throttle int32) (*sesv2.Client, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if n <= throttle {
			w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"Rate exceeded"}`))
			return
		}
		_, _ = w.Write([]byte(`{"MessageId":"m-1"}`))
	}))
	t.Cleanup(srv.Close)
	c := sesv2.New(sesv2.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.AnonymousCredentials{},
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 5
			o.MaxBackoff = 20 * time.Millisecond
		}),
	})
	return c, &calls
}

// Throttling is retried with backoff inside the invocation: the mail goes out on the third try.
func TestThrottledSendIsRetried(t *testing.T) {
	c, calls := fakeSES(t, 2)
	s := New(trigger.New(messages.Compiled()), plainDecrypter{}, &SES{Client: c, IDs: Identities{Default: Identity{From: "a@example.com"}}}, nil, nil)
	if err := s.Handle(context.Background(), codeEvent("CustomEmailSender_SignUp", map[string]any{"email": "a@example.net"})); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 {
		t.Errorf("%d calls; want 3", calls.Load())
	}
}

// Throttled past the retries (or the deadline): an error (Lambda's retry, then the DLQ), not a silent drop.
func TestThrottledToTheDeadlineIsAnError(t *testing.T) {
	c, _ := fakeSES(t, 1000)
	var logs bytes.Buffer
	s := New(trigger.New(messages.Compiled()), plainDecrypter{}, &SES{Client: c, IDs: Identities{Default: Identity{From: "a@example.com"}}}, nil, slog.New(slog.NewJSONHandler(&logs, nil)))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.Handle(ctx, codeEvent("CustomEmailSender_SignUp", map[string]any{"email": "a@example.net"}))
	if err == nil || !strings.Contains(logs.String(), `"outcome":"failed"`) {
		t.Fatalf("got %v; want an error; log %s", err, logs.String())
	}
	if strings.Contains(err.Error(), "a@example.net") || strings.Contains(logs.String(), "123456") {
		t.Errorf("an address or the code leaked: %v / %s", err, logs.String())
	}
}
