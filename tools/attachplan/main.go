// Command attachplan is `make attach-plan POOL=…`: before deploying with -c userPoolId, see what the
// attachment would do to that pool. It reads the pool (DescribeUserPool, with your AWS
// credentials) and builds the very update the provider would send — serialized by the SDK, never
// sent — and prints what it changes (only LambdaConfig.CustomMessage and the provider's record
// tags), what it leaves out and by which rule, and anything that makes the provider refuse.
//
// Read-only: the only call that reaches AWS is DescribeUserPool.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/logging"

	"cognito-custom-message/internal/poolattach"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, nil))
}

// run is main with its dependencies: api nil means a client from the default AWS configuration,
// in the pool's region unless AWS_REGION says otherwise.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, api poolattach.API) int {
	fs := flag.NewFlagSet("attachplan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pool := fs.String("pool", "", "the user pool ID (e.g. eu-central-1_AbCdEf123)")
	function := fs.String("function", "", "the trigger function's ARN (default: an example ARN in the pool's account and region)")
	replace := fs.Bool("replace", false, "as with -c replaceExistingTrigger=true")
	allowManaged := fs.Bool("allow-managed", false, "as with -c allowManagedPool=true")
	all := fs.Bool("all", false, "also list every setting carried unchanged and every read-only one")
	checkOnly := fs.Bool("check-credentials", false, "only check that the AWS SDK finds credentials, silently on success (make diff, deploy and destroy run it first)")
	cdkArgs := fs.String("cdk-args", "", "with -check-credentials: the cdk CLI's arguments, whose --profile the check honours as cdk does")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *checkOnly {
		if p := profileOf(*cdkArgs); p != "" {
			// cdk --profile NAME reads that profile whatever AWS_PROFILE says; check the same one.
			os.Setenv("AWS_PROFILE", p)
		}
		if _, msg := loadConfig(ctx, ""); msg != "" {
			fmt.Fprintln(stderr, msg)
			return 1
		}
		return 0
	}
	region, _, ok := strings.Cut(*pool, "_")
	if !ok || region == "" {
		fmt.Fprintln(stderr, "attachplan: -pool must be a user pool ID such as eu-central-1_AbCdEf123")
		return 2
	}
	if api == nil {
		cfg, msg := loadConfig(ctx, region)
		if msg != "" {
			fmt.Fprintln(stderr, "attachplan:", msg)
			return 1
		}
		api = cip.NewFromConfig(cfg)
	}

	d, err := poolattach.Describe(ctx, api, *pool)
	if err != nil {
		fmt.Fprintln(stderr, "attachplan:", err)
		return 1
	}
	fn, example := *function, *function == ""
	if example {
		fn = exampleFunction(d)
	}
	opt := poolattach.Options{Replace: *replace, AllowManaged: *allowManaged}
	a, err := poolattach.PlanAttachTo(ctx, api, d, fn, opt)
	if err != nil {
		fmt.Fprintln(stderr, "attachplan:", err)
		return 1
	}
	p := a.Described.Pool
	fmt.Fprintf(stdout, "User pool %s (%s)\n", *pool, deref(p.Name))
	fmt.Fprintf(stdout, "  CustomMessage trigger now: %s\n", orNone(a.Current))
	if a.ManagedBy != "" {
		fmt.Fprintf(stdout, "  managed by CloudFormation stack %q: its next update puts back its own LambdaConfig\n", a.ManagedBy)
	}
	if a.HasRecord {
		fmt.Fprintf(stdout, "  record of an earlier attachment: function %s, previous %s, %s\n", a.Record.Function, orNone(a.Record.Previous), a.Record.Applied)
	}
	if example {
		fmt.Fprintf(stdout, "  (our function's ARN is not known before the deploy; %s stands for it — pass -function to use the real one)\n", fn)
	}
	if s := p.SmsConfiguration; s != nil && s.SnsCallerArn != nil {
		fmt.Fprintf(stdout, "  the pool sends SMS through role %s: Cognito checks that the provider may pass it, so deploy with -c %s=%s\n",
			*s.SnsCallerArn, "poolSmsRoleArn", *s.SnsCallerArn)
	}
	fmt.Fprintln(stdout)
	if a.Err != nil {
		fmt.Fprintf(stdout, "REFUSED: %v\n", a.Err)
		if a.Plan == nil {
			if plan, perr := poolattach.NewPlan(ctx, api, a.Described, fn, &poolattach.Record{Function: fn, Previous: a.Current, Applied: opt.String()}); perr == nil {
				fmt.Fprintln(stdout, "\nWhat the update would be, were it allowed:")
				plan.Write(stdout, *all)
			}
		}
		return 1
	}
	if a.Plan == nil {
		fmt.Fprintln(stdout, "Nothing to do: the pool already has this trigger and record.")
		return 0
	}
	fmt.Fprintf(stdout, "Attaching would send UpdateUserPool with every setting carried over; on stack delete, %s is put back.\n", orNone(a.Previous))
	a.Plan.Write(stdout, *all)
	return 0
}

// loadConfig is the default AWS configuration, in region unless the environment names one (or
// region is empty), with its credentials checked; msg says what is wrong in one sentence.
func loadConfig(ctx context.Context, region string) (cfg aws.Config, msg string) {
	// The SDK logs its instance-metadata fallback ("falling back to IMDSv1 ...") to stderr while
	// looking for credentials; none of it helps a person, and checkCredentials says what does.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if region != "" && os.Getenv("AWS_REGION") == "" && os.Getenv("AWS_DEFAULT_REGION") == "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	var missing config.SharedConfigProfileNotExistError
	if errors.As(err, &missing) {
		return cfg, fmt.Sprintf("AWS_PROFILE %q is not a profile of ~/.aws/config or ~/.aws/credentials (`aws configure list-profiles` lists them)", missing.Profile)
	}
	if err != nil {
		return cfg, fmt.Sprintf("AWS configuration: %v", err)
	}
	return cfg, checkCredentials(ctx, cfg)
}

// profileOf returns the profile named by --profile NAME or --profile=NAME in cdk's arguments.
func profileOf(args string) string {
	f := strings.Fields(args)
	for i, a := range f {
		if v, ok := strings.CutPrefix(a, "--profile="); ok {
			return strings.Trim(v, `'"`)
		}
		if a == "--profile" && i+1 < len(f) {
			return strings.Trim(f[i+1], `'"`)
		}
	}
	return ""
}

// noCredentials is what a person without AWS credentials needs to read.
const noCredentials = "no AWS credentials found (set AWS_PROFILE to a profile of ~/.aws/config, " +
	"after `aws sso login` for an SSO one, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"

// checkCredentials asks the SDK's default chain for credentials before any request, and turns a
// failure into one sentence. Without it, the first call fails with the chain's last attempt: the EC2
// instance-metadata (IMDS) fallback's retries and timeouts, which name nothing a person should set.
// Empty means credentials were found.
func checkCredentials(ctx context.Context, cfg aws.Config) string {
	if cfg.Credentials == nil {
		return noCredentials
	}
	// IMDS on a machine that is not EC2 can wait for its connect timeouts; ten seconds is plenty
	// for every real source (environment, files, SSO cache, container, instance).
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		// The SDK has no typed error for "the chain fell through to IMDS and found nothing"; its
		// message is the only sign, and then the profile simply holds no credentials.
		fellThrough := strings.Contains(err.Error(), "IMDS")
		if p := os.Getenv("AWS_PROFILE"); p != "" {
			if fellThrough {
				return fmt.Sprintf("AWS profile %q has no credentials (give it aws_access_key_id, sso_session, role_arn or credential_process)", p)
			}
			// A profile's own source failing (expired SSO token, a role it may not assume) says why.
			return fmt.Sprintf("AWS profile %q gave no credentials: %v", p, err)
		}
		return noCredentials
	}
	return ""
}

// exampleFunction is an ARN in the pool's account and region, to plan with before the function
// exists.
func exampleFunction(d *poolattach.Described) string {
	parts := strings.Split(deref(d.Pool.Arn), ":")
	region, account := "REGION", "ACCOUNT"
	if len(parts) >= 5 {
		region, account = parts[3], parts[4]
	}
	return "arn:aws:lambda:" + region + ":" + account + ":function:CognitoCustomMessage-Function"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
