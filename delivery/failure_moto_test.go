package delivery_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"cognito-custom-message/delivery"
	"cognito-custom-message/messages"
	"cognito-custom-message/trigger"
)

// newQueue creates a standard queue in moto and returns its client and URL.
func (e *env) newQueue(name string) (*sqs.Client, string) {
	e.t.Helper()
	c := sqs.NewFromConfig(e.cfg)
	out, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		e.t.Fatal(err)
	}
	return c, *out.QueueUrl
}

// receiveAll reads every message in the queue, raw.
func receiveAll(t *testing.T, c *sqs.Client, url string) []string {
	t.Helper()
	out, err := c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, m := range out.Messages {
		bodies = append(bodies, *m.Body)
	}
	return bodies
}

// TestFailureRecorderQueuesSanitizedFailure is the dead-letter path against moto_server: the sender
// really fails (its SES endpoint does not answer) on an event full of personal data and a real
// Encryption SDK ciphertext; Lambda's invocation record is built from that event and that error as
// Lambda documents it; the recorder, built from the environment as the Lambda builds it, queues one
// message to SQS. Read back raw, it has the fields an operator needs and none of the address, name,
// phone, user name, metadata or ciphertext strings.
func TestFailureRecorderQueuesSanitizedFailure(t *testing.T) {
	e := newEnv(t, nil)
	const email, phone = "ada.lovelace@example.com", "+447700900123"
	ciphertext := e.encrypt("735194")
	attrs := map[string]any{
		"sub": "8d1f0a52-3c4b-4e7e-9a1d-2b6c0f9e4a77", "email": email, "email_verified": "true", "phone_number": phone,
		"given_name": "Augusta", "family_name": "Lovelace", "locale": "de",
	}
	ev := event("CustomEmailSender_ForgotPassword", &ciphertext, attrs, map[string]string{"campaign": "spring-sale-7731"})
	ev.UserName = "countess1815"

	// SES that does not answer: the SDK's standard endpoint variable, as a deployment would set it.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + l.Addr().String()
	l.Close()
	t.Setenv("AWS_ENDPOINT_URL_SESV2", dead)
	kmsCfg := e.cfg
	var err error
	if e.cfg, err = config.LoadDefaultConfig(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := e.build(map[string]string{"KMS_KEY_ARN": e.keyARN, "EMAIL_FROM": verifiedFrom}, kms.NewFromConfig(kmsCfg))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	sendErr := s.Handle(ctx, ev)
	if sendErr == nil {
		t.Fatal("the sender succeeded with SES down")
	}
	senderLine := e.logLine()

	rec := invocationRecord(t, ev, sendErr)
	if !strings.Contains(string(rec), email) || !strings.Contains(string(rec), ciphertext) {
		t.Fatal("the record does not hold the event: the test would prove nothing")
	}
	c, url := e.newQueue("sender-failures")
	var logs bytes.Buffer
	vars := map[string]string{"FAILURE_QUEUE_URL": url}
	r, err := delivery.FailureRecorderFromEnv(func(k string) string { return vars[k] }, slog.New(slog.NewJSONHandler(&logs, nil)), c,
		trigger.New(messages.Compiled(), trigger.WithAppName("Example"), trigger.WithDefaultLocale("en"), trigger.WithPlainText()))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Handle(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	bodies := receiveAll(t, c, url)
	if len(bodies) != 1 {
		t.Fatalf("%d messages queued; want 1", len(bodies))
	}
	raw := bodies[0]
	for _, secret := range []string{email, "ada.lovelace", "Augusta", "Lovelace", phone, "7700900123", "countess1815", "spring-sale-7731", ciphertext, ciphertext[:24], "735194"} {
		if strings.Contains(raw, secret) {
			t.Errorf("the queued message contains %q: %s", secret, raw)
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the recorder's log contains %q: %s", secret, logs.String())
		}
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"schema": 1.0, "trigger_source": "CustomEmailSender_ForgotPassword", "channel": "email",
		"brand": senderLine["brand"], "locale": senderLine["rendered_locale"], "error_code": senderLine["error_code"],
		"error_type": "SendError", "function_error": "Handled", "condition": "RetriesExhausted", "attempts": 3.0,
		"failed_at": "2026-12-02T01:52:47.333Z", "request_id": "e4b46cbf-b738-4a1c-8880-a18cdf61200e",
		"user_pool_id": "us-east-1_test", "client_id": "client", "user_sub": "8d1f0a52-3c4b-4e7e-9a1d-2b6c0f9e4a77",
		"function_arn": "arn:aws:lambda:us-east-1:123456789012:function:CognitoCustomMessage-dev-Sender:$LATEST",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v; want %v", k, got[k], v)
		}
	}
	if got["locale"] != "de" || got["error_code"] == "" || got["error"] != senderLine["error"] {
		t.Errorf("locale %v, error_code %v, error %q; want de, the sender's code and its error text %q", got["locale"], got["error_code"], got["error"], senderLine["error"])
	}
	if _, err := time.Parse(time.RFC3339, got["recorded_at"].(string)); err != nil {
		t.Errorf("recorded_at: %v", err)
	}
	for k := range got {
		if _, ok := want[k]; !ok && k != "error" && k != "recorded_at" {
			t.Errorf("unexpected field %s in %s", k, raw)
		}
	}
}

// TestFailureRecorderMalformedAndQueueDown: a payload that is not a record is still queued, as a
// Problem with nothing of its content; a queue that does not exist fails the recorder (Lambda
// retries it) with ErrQueue.
func TestFailureRecorderMalformedAndQueueDown(t *testing.T) {
	e := newEnv(t, nil)
	c, url := e.newQueue("sender-failures-malformed")
	r := delivery.NewFailureRecorder(trigger.New(messages.Compiled()), &delivery.SQSQueue{Client: c, URL: url}, nil)
	if err := r.Handle(context.Background(), []byte(`not json ada.lovelace@example.com`)); err != nil {
		t.Fatal(err)
	}
	bodies := receiveAll(t, c, url)
	if len(bodies) != 1 || strings.Contains(bodies[0], "ada.lovelace") || !strings.Contains(bodies[0], `"problem":"not an invocation record`) {
		t.Errorf("queued %v; want one problem message without the payload", bodies)
	}
	gone := delivery.NewFailureRecorder(trigger.New(messages.Compiled()), &delivery.SQSQueue{Client: c, URL: url + "-does-not-exist"}, nil)
	if err := gone.Handle(context.Background(), []byte(`{}`)); !errors.Is(err, delivery.ErrQueue) {
		t.Errorf("got %v; want ErrQueue", err)
	}
}

func TestFailureRecorderFromEnvRequiresQueue(t *testing.T) {
	_, err := delivery.FailureRecorderFromEnv(func(string) string { return "" }, nil, nil, trigger.New(messages.Compiled()))
	if err == nil || !strings.Contains(err.Error(), "FAILURE_QUEUE_URL") {
		t.Errorf("got %v; want FAILURE_QUEUE_URL required", err)
	}
}

// invocationRecord is what Lambda sends the on-failure destination after the last attempt
// (developer guide, "Capturing records of Lambda asynchronous invocations"), with the error as the
// Go runtime reports it: aws-lambda-go names the type by reflection (lambda/errors.go).
func invocationRecord(t *testing.T, ev delivery.Event, err error) []byte {
	t.Helper()
	typ := reflect.TypeOf(err)
	if typ.Kind() == reflect.Ptr {
		typ = typ.Elem()
	}
	b, merr := json.Marshal(map[string]any{
		"version":   "1.0",
		"timestamp": "2026-12-02T01:52:47.333Z",
		"requestContext": map[string]any{
			"requestId":              "e4b46cbf-b738-4a1c-8880-a18cdf61200e",
			"functionArn":            "arn:aws:lambda:us-east-1:123456789012:function:CognitoCustomMessage-dev-Sender:$LATEST",
			"condition":              "RetriesExhausted",
			"approximateInvokeCount": 3,
		},
		"requestPayload":  ev,
		"responseContext": map[string]any{"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Handled"},
		"responsePayload": map[string]any{"errorMessage": err.Error(), "errorType": typ.Name()},
	})
	if merr != nil {
		t.Fatal(merr)
	}
	return b
}
