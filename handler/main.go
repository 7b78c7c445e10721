// Command handler is the Cognito CustomMessage trigger: built as the Lambda "bootstrap", it answers
// each CustomMessage_* event with a localized email subject, HTML email and SMS. This file only wires
// configuration, logging and the runtime; the logic is in package trigger, which the custom sender
// shares.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"cognito-custom-message/messages"
	"cognito-custom-message/trigger"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	var remember trigger.LocaleWriter
	if os.Getenv("REMEMBER_LOCALE") == "true" {
		if w, err := trigger.NewCognitoWriter(os.Getenv); err != nil {
			// Off rather than failing every sign-in: the messages matter more than the memory.
			logger.Error("REMEMBER_LOCALE is set but the locale cannot be written; not remembering", "error", err.Error())
		} else {
			remember = w
		}
	}
	h := trigger.New(messages.Compiled(),
		trigger.WithDefaultLocale(os.Getenv("DEFAULT_LOCALE")),
		trigger.WithAppName(os.Getenv("APP_NAME")),
		trigger.WithLogger(logger),
		trigger.WithBrands(trigger.BrandsOf(messages.Brands())...),
		trigger.WithBrandClientsSetting(os.Getenv("BRAND_CLIENTS")),
		trigger.WithBrandFromMetadata(os.Getenv("ALLOW_BRAND_FROM_METADATA") == "true"),
		trigger.WithRememberLocale(remember),
	)
	lambda.Start(h)
}
