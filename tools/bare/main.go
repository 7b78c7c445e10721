// Command bare is the baseline for `make coldstart`: an aws-lambda-go bootstrap that returns the event
// unchanged, built with the same flags as ours.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(_ context.Context, event json.RawMessage) (json.RawMessage, error) { return event, nil })
}
