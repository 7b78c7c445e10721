//go:build e2e

package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"cognito-custom-message/internal/e2e"
	"cognito-custom-message/internal/lambdarie"
)

// startMoto runs a moto_server (moto 5.2; its SQS is the failure queue's stand-in) on a free
// loopback port until the test ends.
func (e *senderEnv) startMoto() string {
	t := e.t
	t.Helper()
	path, err := exec.LookPath("moto_server")
	if err != nil {
		t.Fatal("moto_server is not on PATH (pip install 'moto[server]'): the failure queue's stand-in")
	}
	addr, err := lambdarie.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(addr, ":")
	cmd := exec.Command(path, "-H", host, "-p", port)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatal("moto_server did not start")
		}
	}
}

// recordFailure runs the rest of the dead-letter path on a failed invocation: the invocation
// record Lambda would make of it (the event cognito-local sent and the error the sender returned
// under the emulator, with the requestContext Lambda adds) goes to the same bootstrap in
// SENDER_MODE=failureRecorder under its own emulator, which queues to moto_server's SQS through the
// SDK's standard endpoint variable. The queued message is read back raw and searched for secrets.
func (e *senderEnv) recordFailure(inv e2e.Invocation, secrets ...string) {
	t := e.t
	t.Helper()
	moto := e.startMoto()
	q := sqs.NewFromConfig(aws.Config{
		Region: e2e.Region, BaseEndpoint: aws.String(moto),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
	created, err := q.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("sender-failures")})
	if err != nil {
		t.Fatal(err)
	}
	rie, err := lambdarie.ToolPath(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	emu, err := lambdarie.Start(rie, e.bootstrap,
		"SENDER_MODE=failureRecorder", "FAILURE_QUEUE_URL="+*created.QueueUrl, "AWS_ENDPOINT_URL_SQS="+moto,
		"AWS_REGION="+e2e.Region, "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local", "AWS_SESSION_TOKEN=",
		"AWS_EC2_METADATA_DISABLED=true", "APP_NAME="+appName, "DEFAULT_LOCALE=en")
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Stop()
	record, err := json.Marshal(map[string]any{
		"version":   "1.0",
		"timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"requestContext": map[string]any{
			"requestId":              "5f0c1b7e-8a2d-4c3e-9b1f-6d7e8f9a0b1c",
			"functionArn":            "arn:aws:lambda:" + e2e.Region + ":" + e2e.Account + ":function:CognitoCustomMessage-dev-Sender:$LATEST",
			"condition":              "RetriesExhausted",
			"approximateInvokeCount": 3,
		},
		"requestPayload":  inv.Request,
		"responseContext": map[string]any{"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Handled"},
		"responsePayload": inv.Reply,
	})
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Request struct{ Code string } `json:"request"`
	}
	if json.Unmarshal(inv.Request, &ev) != nil || ev.Request.Code == "" {
		t.Fatalf("the failed event has no encrypted code: %s", inv.Request)
	}
	secrets = append(secrets, ev.Request.Code)
	for _, s := range secrets {
		if !strings.Contains(string(record), s) {
			t.Fatalf("the record lacks %q: the search below would prove nothing", s)
		}
	}
	secrets = append(secrets, e.code) // the plaintext code is in no record; never in the queue either
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	if _, err := emu.Invoke(ctx, record); err != nil {
		t.Fatalf("the recorder failed: %v\n%s", err, emu.Logs())
	}
	out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: created.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 {
		t.Fatalf("%d messages in the failure queue; want 1\n%s", len(out.Messages), emu.Logs())
	}
	raw := *out.Messages[0].Body
	for _, l := range strings.Split(emu.Logs(), "\n") {
		if strings.Contains(l, "custom sender ready") || strings.HasPrefix(l, "REPORT") {
			t.Logf("recorder: %s", strings.TrimSpace(l))
		}
	}
	for _, s := range secrets {
		if strings.Contains(raw, s) {
			t.Errorf("the failure queue's message contains %q: %s", s, raw)
		}
		if strings.Contains(emu.Logs(), s) {
			t.Errorf("the recorder's log contains %q", s)
		}
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"trigger_source": "CustomEmailSender_SignUp", "channel": "email", "locale": "de", "brand": "default",
		"error_type": "SendError", "user_pool_id": e.poolID, "client_id": e.client, "attempts": 3.0,
	} {
		if got[k] != want {
			t.Errorf("%s = %v; want %v (%s)", k, got[k], want, raw)
		}
	}
	if code, _ := got["error_code"].(string); code == "" || !strings.Contains(e.h.FunctionLog(), fmt.Sprintf(`"error_code":%q`, code)) {
		t.Errorf("error_code %v is not the one the sender logged:\n%s", got["error_code"], e.h.FunctionLog())
	}
}
