// Command sender is the Cognito custom sender (CustomEmailSender and CustomSMSSender triggers):
// built as a second Lambda "bootstrap", it renders each message with the same templates, brands and
// rules as the CustomMessage trigger, decrypts the code with the AWS Encryption SDK and delivers the
// message through SES v2 or SNS. This file only wires configuration, SDK clients, logging and the
// runtime; the logic is in package delivery. See docs/sender.md.
package main

import (
	"context"
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

	"cognito-custom-message/delivery"
	"cognito-custom-message/messages"
	"cognito-custom-message/trigger"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	start := time.Now()
	s, err := build(context.Background(), os.Getenv, logger)
	if err != nil {
		// Without its key or sender the function can send nothing: fail the init, loudly, so that
		// every event goes to Lambda's retries and the DLQ instead of being dropped.
		logger.Error("custom sender cannot start", "error", err.Error())
		os.Exit(1)
	}
	logger.Info("custom sender ready", "init_us", time.Since(start).Microseconds())
	lambda.Start(s.Handle)
}

func build(ctx context.Context, getenv func(string) string, logger *slog.Logger) (*delivery.Sender, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryer(func() aws.Retryer {
		// Backoff on throttling and 5xx; the invocation's deadline (delivery.Sender) bounds it.
		return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 5 })
	}))
	if err != nil {
		return nil, err
	}
	return delivery.FromEnv(ctx, getenv, logger, kms.NewFromConfig(cfg), sesv2.NewFromConfig(cfg), sns.NewFromConfig(cfg),
		trigger.New(messages.Compiled(),
			trigger.WithDefaultLocale(getenv("DEFAULT_LOCALE")),
			trigger.WithAppName(getenv("APP_NAME")),
			trigger.WithLogger(logger),
			trigger.WithBrands(trigger.BrandsOf(messages.Brands())...),
			trigger.WithBrandClientsSetting(getenv("BRAND_CLIENTS")),
			trigger.WithBrandFromMetadata(getenv("ALLOW_BRAND_FROM_METADATA") == "true"),
		))
}
