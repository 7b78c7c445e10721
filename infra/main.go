// Command infra is the CDK app: `cdk synth` / `cdk deploy` run it (see cdk.json) to deploy the
// CustomMessage trigger and the user pool it serves. Configuration comes from CDK context.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"cognito-custom-message/templates"
)

func main() {
	defer jsii.Close()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "infra:", err)
		jsii.Close()
		os.Exit(1)
	}
}

func run() error {
	app := awscdk.NewApp(nil)
	cfg, err := LoadConfig(func(key string) any { return app.Node().TryGetContext(jsii.String(key)) })
	if err != nil {
		return err
	}
	printWarnings(cfg, os.Stderr)
	if err := checkSMS(templates.Files(), cfg.AppName, os.Stderr); err != nil {
		return err
	}
	if err := checkBrands(cfg.Brands, os.Stderr); err != nil {
		return err
	}
	stack, err := NewCustomMessageStack(app, cfg.StackName, &CustomMessageStackProps{
		StackProps: awscdk.StackProps{
			// Account and region from the CLI's credentials at deploy; synth stays environment-agnostic.
			Env: &awscdk.Environment{
				Account: optional(os.Getenv("CDK_DEFAULT_ACCOUNT")),
				Region:  optional(os.Getenv("CDK_DEFAULT_REGION")),
			},
		},
		Config: cfg,
	})
	if err != nil {
		return err
	}
	CheckWithNag(app)
	return synthChecked(app, stack)
}

// printWarnings prints what synth and deploy go ahead with but a person should know: waived
// production settings and a placeholder product name.
func printWarnings(cfg Config, w io.Writer) {
	warnings := cfg.Waivers()
	if aw := cfg.AppNameWarning(); aw != "" {
		warnings = append(warnings, aw)
	}
	for _, s := range warnings {
		fmt.Fprintln(w, "infra: WARNING:", s)
	}
}

// synthChecked synthesizes the app, then checks the stack's own pool (CheckPoolReplacement) in the
// template CloudFormation receives: overrides and CDK defaults included.
func synthChecked(app awscdk.App, stack *CustomMessageStack) error {
	asm := app.Synth(nil)
	tpl, ok := asm.GetStackArtifact(stack.ArtifactId()).Template().(map[string]any)
	if !ok {
		return fmt.Errorf("the synthesized template of %s is not a JSON object", *stack.StackName())
	}
	confirm, err := confirmedPoolReplacement(app)
	if err != nil {
		return err
	}
	return CheckPoolReplacement(tpl, confirm)
}
