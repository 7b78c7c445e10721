// Command sender is the Cognito custom sender (CustomEmailSender and CustomSMSSender triggers):
// built as a second Lambda "bootstrap", it renders each message with the same templates, brands and
// rules as the CustomMessage trigger, decrypts the code with the AWS Encryption SDK and delivers the
// message through SES v2 or SNS. With SENDER_MODE=failureRecorder the same bootstrap is the
// sender's on-failure destination instead (delivery.FailureRecorder). This file only wires
// configuration, SDK clients, logging and the runtime; the logic is in package delivery. See
// docs/sender.md.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"cognito-custom-message/delivery"
	"cognito-custom-message/messages"
	"cognito-custom-message/trigger"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	start := time.Now()
	mode := os.Getenv("SENDER_MODE")
	var handler any
	var err error
	switch mode {
	case "", delivery.ModeSender:
		mode = delivery.ModeSender
		var s *delivery.Sender
		if s, err = build(context.Background(), os.Getenv, logger); err == nil {
			handler = s.Handle
		}
	case delivery.ModeFailureRecorder:
		// The sender's on-failure destination: the same asset, another role (sqs:SendMessage only).
		var r *delivery.FailureRecorder
		if r, err = buildRecorder(context.Background(), os.Getenv, logger); err == nil {
			handler = r.Handle
		}
	default:
		err = fmt.Errorf("SENDER_MODE %q: %q (the default) or %q", mode, delivery.ModeSender, delivery.ModeFailureRecorder)
	}
	if err != nil {
		// Without its key or sender the function can send nothing: fail the init, loudly, so that
		// every event goes to Lambda's retries and the DLQ instead of being dropped.
		logger.Error("custom sender cannot start", "mode", mode, "error", err.Error())
		os.Exit(1)
	}
	logger.Info("custom sender ready", "mode", mode, "init_us", time.Since(start).Microseconds())
	lambda.Start(handler)
}

func awsConfig(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx, config.WithRetryer(func() aws.Retryer {
		// Backoff on throttling and 5xx; the invocation's deadline (delivery.Sender) bounds it.
		return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 5 })
	}))
}

// renderer is the CustomMessage handler both modes decide brand and locale with: the recorder
// must reach the sender's decision for the same event, so it is built from the same variables.
func renderer(getenv func(string) string, logger *slog.Logger) *trigger.Handler {
	return trigger.New(messages.Compiled(),
		trigger.WithDefaultLocale(getenv("DEFAULT_LOCALE")),
		trigger.WithAppName(getenv("APP_NAME")),
		trigger.WithLogger(logger),
		trigger.WithBrands(trigger.BrandsOf(messages.Brands())...),
		trigger.WithBrandClientsSetting(getenv("BRAND_CLIENTS")),
		trigger.WithBrandFromMetadata(getenv("ALLOW_BRAND_FROM_METADATA") == "true"),
		// The mail is multipart: the text part is rendered too (CustomMessage mode skips it).
		trigger.WithPlainText(),
	)
}

func build(ctx context.Context, getenv func(string) string, logger *slog.Logger) (*delivery.Sender, error) {
	cfg, err := awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	return delivery.FromEnv(ctx, getenv, logger, kms.NewFromConfig(cfg), sesv2.NewFromConfig(cfg), sns.NewFromConfig(cfg),
		renderer(getenv, logger))
}

func buildRecorder(ctx context.Context, getenv func(string) string, logger *slog.Logger) (*delivery.FailureRecorder, error) {
	cfg, err := awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	return delivery.FailureRecorderFromEnv(getenv, logger, sqs.NewFromConfig(cfg), renderer(getenv, logger))
}
