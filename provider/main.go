// Command provider is the CloudFormation custom-resource provider of the stack, built as its own
// "bootstrap". It serves two resource types, each deployed with its own copy of this function whose
// environment names the one pool, function and stack it may act on:
//
//   - Custom::CognitoCustomMessageTrigger (existing-pool mode, -c userPoolId=…): attaches the
//     trigger function to a pool the stack does not own, and restores the previous trigger on
//     delete, carrying every other setting over (internal/poolattach);
//   - Custom::CognitoCustomMessageDetachOnDelete (the stack's own, retained pool): detaches the
//     trigger when, and only when, the stack itself is deleted, so the kept pool falls back to
//     Cognito's own messages instead of calling a deleted function.
//
// handler.go has the decisions and why; this file only wires.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	env, err := EnvFromOS(os.Getenv)
	if err != nil {
		log.Error("configuration", "error", err.Error())
		os.Exit(1)
	}
	// More attempts than the default three: a delete that cannot read its stack's status leaves
	// the pool wired (see detachOnDelete), so a throttled DescribeStacks is worth waiting for.
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRetryMaxAttempts(6))
	if err != nil {
		log.Error("load AWS configuration", "error", err.Error())
		os.Exit(1)
	}
	h := &Handler{Cognito: cip.NewFromConfig(cfg), Stacks: cloudformation.NewFromConfig(cfg), Log: log, Env: env}
	lambda.Start(cfn.LambdaWrap(h.Handle))
}
