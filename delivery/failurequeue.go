package delivery

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"cognito-custom-message/trigger"
)

// SQSQueue is the failure queue: an SQS standard queue, by URL.
type SQSQueue struct {
	Client *sqs.Client
	URL    string
}

// Send queues one message. Only the service's error code goes into the error: its message may
// quote the request.
func (q *SQSQueue) Send(ctx context.Context, body string) error {
	_, err := q.Client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.URL), MessageBody: aws.String(body)})
	if err != nil {
		return fmt.Errorf("sqs SendMessage: %s", serviceCode(err))
	}
	return nil
}

// Modes of the sender's bootstrap, chosen by SENDER_MODE (docs/sender.md): the sender, or the
// recorder of its failed invocations.
const (
	ModeSender          = "sender"
	ModeFailureRecorder = "failureRecorder"
)

// FailureRecorderFromEnv builds the recorder from the environment: FAILURE_QUEUE_URL is required;
// render is built as the sender's is, from the same variables.
func FailureRecorderFromEnv(getenv func(string) string, log *slog.Logger, client *sqs.Client, render *trigger.Handler) (*FailureRecorder, error) {
	url := getenv("FAILURE_QUEUE_URL")
	if url == "" {
		return nil, fmt.Errorf("FAILURE_QUEUE_URL is required with SENDER_MODE=%s: the queue failed sends are recorded in", ModeFailureRecorder)
	}
	return NewFailureRecorder(render, &SQSQueue{Client: client, URL: url}, log), nil
}
