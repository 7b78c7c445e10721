// Command demo is `make demo`: it starts a local user pool (cognito-local) with this checkout's
// function as its CustomMessage trigger (under the Lambda Runtime Interface Emulator), signs a user
// up and in with the real AWS CLI, asks for an email verification code in German, prints what the
// CLI answered and the email that was delivered, and stops everything.
package main

import (
	"context"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"cognito-custom-message/internal/e2e"
)

func main() {
	bootstrap := flag.String("bootstrap", "build/local/bootstrap", "the bootstrap to run")
	locale := flag.String("locale", "de", "the locale to ask for in --client-metadata")
	flag.Parse()
	if err := run(*bootstrap, *locale); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(bootstrap, locale string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	bootstrap, _ = filepath.Abs(bootstrap)
	env := []string{"APP_NAME=" + getenv("APP_NAME", "My App"), "DEFAULT_LOCALE=" + getenv("DEFAULT_LOCALE", "en")}
	h, err := e2e.Start(ctx, e2e.Options{Root: root, Bootstrap: bootstrap, Code: "493817", Env: env})
	if err != nil {
		return err
	}
	defer h.Stop()
	fmt.Printf("cognito-local on %s, trigger: %s under the Lambda Runtime Interface Emulator\n\n", h.Endpoint, bootstrap)

	var pool struct{ UserPool struct{ Id string } }
	var client struct{ UserPoolClient struct{ ClientId string } }
	var auth struct{ AuthenticationResult struct{ AccessToken string } }
	const email, password = "lena@example.com", "Correct-Horse-9!"
	if err := h.AWSJSON(ctx, &pool, "cognito-idp", "create-user-pool", "--pool-name", "demo", "--auto-verified-attributes", "email"); err != nil {
		return err
	}
	if err := h.AWSJSON(ctx, &client, "cognito-idp", "create-user-pool-client", "--user-pool-id", pool.UserPool.Id, "--client-name", "demo"); err != nil {
		return err
	}
	for _, args := range [][]string{
		{"cognito-idp", "sign-up", "--client-id", client.UserPoolClient.ClientId, "--username", email, "--password", password, "--user-attributes", "Name=given_name,Value=Lena"},
		{"cognito-idp", "admin-confirm-sign-up", "--user-pool-id", pool.UserPool.Id, "--username", email},
	} {
		if _, err := h.AWS(ctx, args...); err != nil {
			return err
		}
	}
	if err := h.AWSJSON(ctx, &auth, "cognito-idp", "initiate-auth", "--client-id", client.UserPoolClient.ClientId,
		"--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME="+email+",PASSWORD="+password); err != nil {
		return err
	}

	args := []string{"cognito-idp", "get-user-attribute-verification-code", "--access-token", auth.AuthenticationResult.AccessToken,
		"--attribute-name", "email", "--client-metadata", "locale=" + locale}
	out, err := h.AWS(ctx, args...)
	if err != nil {
		return err
	}
	fmt.Printf("$ aws --endpoint-url %s cognito-idp get-user-attribute-verification-code \\\n    --access-token <token> --attribute-name email --client-metadata locale=%s\n", h.Endpoint, locale)
	if answer := strings.TrimSpace(string(out)); answer != "" && answer != "{}" {
		fmt.Println(answer)
	} else {
		fmt.Println("(no output: cognito-local answers {}; real Cognito returns CodeDeliveryDetails with Destination, DeliveryMedium and AttributeName)")
	}

	d := h.Deliveries()
	if len(d) == 0 {
		return fmt.Errorf("nothing was delivered:\n%s", h.CognitoLog())
	}
	last := d[len(d)-1]
	fmt.Printf("\nDelivered to %s (code %s)\n", last.Destination, last.Code)
	fmt.Printf("Subject: %s\n\n%s\n\nSMS: %s\n", last.EmailSubject, text(last.EmailMessage), last.SMSMessage)
	for _, l := range strings.Split(h.FunctionLog(), "\n") {
		if strings.HasPrefix(l, `{"time"`) && strings.Contains(l, "VerifyUserAttribute") {
			fmt.Printf("\nFunction log: %s\n", l)
		}
	}
	return nil
}

var (
	tags   = regexp.MustCompile(`(?s)<head>.*?</head>|<[^>]+>`)
	blanks = regexp.MustCompile(`\n\s*\n+`)
)

// text shows the HTML email as a reader would see its words.
func text(s string) string {
	s = html.UnescapeString(tags.ReplaceAllString(s, "\n"))
	return strings.TrimSpace(blanks.ReplaceAllString(s, "\n\n"))
}

func getenv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
