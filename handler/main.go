// Command handler is the Cognito CustomMessage trigger: built as the Lambda "bootstrap", it answers
// each CustomMessage_* event with a localized email subject, HTML email and SMS. This file only wires
// configuration, logging and the runtime; the logic is in handle.go.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"cognito-custom-message/messages"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	h := New(messages.Compiled(),
		WithDefaultLocale(os.Getenv("DEFAULT_LOCALE")),
		WithAppName(os.Getenv("APP_NAME")),
		WithLogger(logger),
		WithBrands(BrandsOf(messages.Brands())...),
		WithBrandClientsSetting(os.Getenv("BRAND_CLIENTS")),
		WithBrandFromMetadata(os.Getenv("ALLOW_BRAND_FROM_METADATA") == "true"),
	)
	lambda.Start(h)
}
