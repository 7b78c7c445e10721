package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// TestSMSRecorderSpeaksSNS: the AWS SDK's own SNS client publishes to the recorder and gets its
// MessageId back, so the sender under make invoke talks to it as it would to SNS.
func TestSMSRecorderSpeaksSNS(t *testing.T) {
	r, err := startSMSRecorder()
	if err != nil {
		t.Fatal(err)
	}
	defer r.srv.Close()
	client := sns.New(sns.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(r.URL),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	})
	out, err := client.Publish(context.Background(), &sns.PublishInput{PhoneNumber: aws.String("+33612345678"), Message: aws.String("268578 est votre code")})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if aws.ToString(out.MessageId) != "invoke-1" {
		t.Errorf("MessageId = %q; want invoke-1", aws.ToString(out.MessageId))
	}
	sent := r.Sent()
	if len(sent) != 1 || sent[0].Get("PhoneNumber") != "+33612345678" || sent[0].Get("Message") != "268578 est votre code" {
		t.Fatalf("recorded %v", sent)
	}
	if _, err := client.ListTopics(context.Background(), &sns.ListTopicsInput{}); err == nil {
		t.Error("ListTopics succeeded; the recorder answers only Publish")
	}
}

// TestSenderSamplesAndSources: SOURCE=CustomEmailSender_… / CustomSMSSender_… pick the shipped
// sender samples, which are sender events with that source; CustomMessage sources and events are not.
func TestSenderSamplesAndSources(t *testing.T) {
	for _, tc := range []struct{ source, sample string }{
		{"CustomEmailSender_ForgotPassword", "../../events/sender/custom-email-sender-sign-up-de.json"},
		{"CustomSMSSender_SignUp", "../../events/sender/custom-sms-sender-forgot-password-fr.json"},
		{"CustomEmailSender_AccountTakeOverNotification", "../../events/sender/custom-email-sender-account-takeover-en.json"},
	} {
		p, ok := senderSample("../../events", tc.source)
		if !ok || p != tc.sample {
			t.Fatalf("senderSample(%s) = %q, %v; want %s", tc.source, p, ok, tc.sample)
		}
		b, err := readSenderSample(p, tc.source)
		if err != nil {
			t.Fatal(err)
		}
		if !isSenderEvent(b) {
			t.Errorf("%s with source %s is not a sender event", p, tc.source)
		}
	}
	if _, ok := senderSample("../../events", "ForgotPassword"); ok {
		t.Error("a CustomMessage source picked a sender sample")
	}
	if isSenderEvent([]byte(`{"triggerSource":"CustomMessage_SignUp"}`)) {
		t.Error("a CustomMessage event counts as a sender event")
	}
}
