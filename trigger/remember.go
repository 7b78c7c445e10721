package trigger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// RememberBudget is the longest a locale write may hold up the reply. Cognito gives the whole
// trigger 5 s including a cold start; a same-region AdminUpdateUserAttributes normally answers well
// inside this, and one that does not is abandoned: the message is sent regardless.
const RememberBudget = 300 * time.Millisecond

// Outcomes of remembering the locale, logged as "remember_locale" ("" = not attempted: the feature
// is off, the source is not one of rememberSources, or the metadata named no shipped locale).
const (
	RememberWritten   = "written"
	RememberUnchanged = "unchanged" // the user's locale attribute already resolves to the same locale
	RememberFailed    = "failed"    // the write was refused or could not be sent
	RememberTimeout   = "timeout"   // the budget ran out, before or during the write
)

// rememberSources are the flows whose caller is the account's owner: UpdateUserAttribute and
// VerifyUserAttribute need the user's access token, SignUp creates the account. ForgotPassword,
// ResendCode and Authentication can be started by anyone who knows a username, so metadata there
// must never change the account; AdminCreateUser's caller sets the attributes itself.
var rememberSources = map[string]bool{
	"SignUp":              true,
	"UpdateUserAttribute": true,
	"VerifyUserAttribute": true,
}

// LocaleWriter stores a user's locale attribute.
type LocaleWriter interface {
	WriteLocale(ctx context.Context, poolID, username, locale string) error
}

// WithRememberLocale makes the handler write the locale clientMetadata chose to the user's locale
// attribute (issue 18), through w; nil leaves it off.
func WithRememberLocale(w LocaleWriter) Option { return func(o *options) { o.remember = w } }

// rememberChoice decides, without any I/O, what an event's locale write would be: the shipped
// locale the metadata matched, or RememberUnchanged, or "" for nothing to do. The shipped tag is
// written rather than what the caller sent ("de", not "de-AT"): the attribute then only ever holds
// one of a closed set of values this function ships, never caller text, and it resolves back to
// exactly the locale that was chosen.
func (h *Handler) rememberChoice(source string, b *brand, res Resolution, attrLocale string) (locale, outcome string) {
	if h.remember == nil || !rememberSources[source] || res.Source != FromMetadata {
		return "", ""
	}
	if !b.locales.ownLanguage(res.Requested, res.Locale) {
		// The matcher also sends related languages to a shipped locale (Estonian to Finnish, Kazakh
		// to Russian, Malay to Indonesian): the best message to send today, but not the user's
		// language to keep for good, and the app's own screens would read it back.
		return "", ""
	}
	if have, _, ok := b.locales.Match(attrLocale); ok && have == res.Locale {
		// Keeps a richer value the app wrote ("de-AT") rather than flatten it to the shipped tag.
		return "", RememberUnchanged
	}
	return res.Locale, ""
}

// rememberLocale performs the write Handle chose, within RememberBudget and never past the
// invocation's deadline less minBudget (the margin the reply itself needs). It reports an outcome
// and, on failure, a reason made of status codes and AWS error names only: never a value.
func (h *Handler) rememberLocale(ctx context.Context, ev *Event, o Outcome) (outcome, reason string) {
	// The message is rendered already: a panic here must cost the write, not the reply (Invoke's
	// own recover would answer with Cognito's template instead).
	defer func() {
		if r := recover(); r != nil {
			outcome, reason = RememberFailed, "panic"
		}
	}()
	if o.rememberLocale == "" {
		return o.Remember, ""
	}
	if ev.UserPoolID == "" || ev.UserName == "" {
		return RememberFailed, "event without userPoolId or userName"
	}
	budget := RememberBudget
	if dl, ok := ctx.Deadline(); ok {
		budget = min(budget, time.Until(dl)-minBudget)
	}
	if budget <= 0 {
		return RememberTimeout, "no time left before the deadline"
	}
	wctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	err := h.remember.WriteLocale(wctx, ev.UserPoolID, ev.UserName, o.rememberLocale)
	switch {
	case err == nil:
		return RememberWritten, ""
	case errors.Is(err, context.DeadlineExceeded) || wctx.Err() != nil:
		return RememberTimeout, "no answer within " + budget.Round(time.Millisecond).String()
	}
	var ae *apiError
	if errors.As(err, &ae) || errors.Is(err, errNoCredentials) {
		return RememberFailed, err.Error()
	}
	return RememberFailed, "request failed" // a network error's text names hosts and addresses
}

// errNoCredentials: the environment holds no keys (Lambda always sets them for the role).
var errNoCredentials = errors.New("no credentials in the environment")

// CognitoWriter writes the locale attribute with AdminUpdateUserAttributes: one JSON 1.1 POST
// signed with SigV4 from the function's environment credentials. It uses the SDK's signer alone
// rather than the SDK's Cognito client, which would add megabytes and cold-start time to every
// invocation for one call (docs/remember-locale.md has the figures).
type CognitoWriter struct {
	endpoint string
	region   string
	getenv   func(string) string
	client   *http.Client
	signer   *v4.Signer
}

// NewCognitoWriter builds a writer from the Lambda environment (getenv is os.Getenv in main):
// AWS_REGION; the endpoint as the SDK resolves it: AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, then
// AWS_ENDPOINT_URL (both ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), else the region's
// public endpoint. Credentials are read at each write, as Lambda may set them after init.
func NewCognitoWriter(getenv func(string) string) (*CognitoWriter, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		return nil, errors.New("AWS_REGION is not set")
	}
	endpoint := ""
	if !strings.EqualFold(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		endpoint = getenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
		if endpoint == "" {
			endpoint = getenv("AWS_ENDPOINT_URL")
		}
	}
	if endpoint == "" {
		suffix := "amazonaws.com"
		if strings.HasPrefix(region, "cn-") {
			suffix = "amazonaws.com.cn"
		}
		endpoint = "https://cognito-idp." + region + "." + suffix
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// Not the value: an endpoint URL may carry user:password.
		return nil, errors.New("the Cognito endpoint (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER or AWS_ENDPOINT_URL) is not an http(s) URL")
	}
	return &CognitoWriter{
		endpoint: strings.TrimSuffix(endpoint, "/") + "/",
		region:   region,
		getenv:   getenv,
		// No client timeout: the caller's context carries the budget.
		client: &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			MaxIdleConnsPerHost: 2,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: RememberBudget,
			ForceAttemptHTTP2:   true,
		}},
		signer: v4.NewSigner(),
	}, nil
}

// Endpoint is where the writer sends its requests.
func (w *CognitoWriter) Endpoint() string { return w.endpoint }

// apiError is a refused write: the HTTP status and the AWS error name ("UserNotFoundException"),
// both safe to log; the message is not kept, as it may quote the user name.
type apiError struct {
	status int
	code   string
}

func (e *apiError) Error() string {
	if e.code == "" {
		return fmt.Sprintf("HTTP %d", e.status)
	}
	return fmt.Sprintf("HTTP %d %s", e.status, e.code)
}

// WriteLocale sets username's locale attribute in poolID.
func (w *CognitoWriter) WriteLocale(ctx context.Context, poolID, username, locale string) error {
	type attr struct{ Name, Value string }
	body, err := json.Marshal(struct {
		UserPoolId     string
		Username       string
		UserAttributes []attr
	}{poolID, username, []attr{{"locale", locale}}})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminUpdateUserAttributes")
	creds := aws.Credentials{
		AccessKeyID:     w.getenv("AWS_ACCESS_KEY_ID"),
		SecretAccessKey: w.getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken:    w.getenv("AWS_SESSION_TOKEN"),
	}
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return errNoCredentials
	}
	sum := sha256.Sum256(body)
	if err := w.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "cognito-idp", w.region, time.Now()); err != nil {
		return err
	}
	// After signing, so it is neither signed nor sent: an empty Idempotency-Key tells net/http the
	// POST may be replayed on a fresh connection when a pooled one turns out dead, as one is after
	// the execution environment was frozen between invocations. Writing the same locale twice is
	// harmless.
	req.Header["Idempotency-Key"] = []string{}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10)) // read to the end: the connection is reused
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var e struct {
		Type string `json:"__type"`
	}
	_ = json.Unmarshal(raw, &e)
	code := e.Type
	if code == "" {
		code = resp.Header.Get("X-Amzn-ErrorType")
	}
	return &apiError{status: resp.StatusCode, code: errorName(code)}
}

// errorName keeps the name of an AWS error type ("…#UserNotFoundException:http://…" →
// "UserNotFoundException") if it is a plain identifier of sane length, else "".
func errorName(s string) string {
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	if len(s) == 0 || len(s) > 64 {
		return ""
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return ""
		}
	}
	return s
}
