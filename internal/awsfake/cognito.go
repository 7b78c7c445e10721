package awsfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

const cognitoTargetPrefix = "AWSCognitoIdentityProviderService."

// ReadOnlyFields are the pool fields UpdateUserPool does not take, so an update neither sets nor
// resets them (Cognito developer guide, "Updating user pool and app client configuration":
// settings you can't change; API reference, UserPoolType: fields Cognito computes). Name is renamed
// through PoolName.
var ReadOnlyFields = []string{
	"Id", "Name", "Arn", "CreationDate", "LastModifiedDate", "EstimatedNumberOfUsers", "Status",
	"Domain", "CustomDomain", "SchemaAttributes", "AliasAttributes", "UsernameAttributes",
	"UsernameConfiguration", "EmailConfigurationFailure", "SmsConfigurationFailure",
}

// Cognito is a fake Cognito user-pool endpoint. The zero value is not usable: call NewCognito.
type Cognito struct {
	// URL is the endpoint to give the SDK (BaseEndpoint) or AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER.
	URL string

	srv           *httptest.Server
	mu            sync.Mutex
	pools         map[string]map[string]any
	calls         map[string]int
	updates       []map[string]any
	denyPassRole  map[string]bool
	failNext      map[string]apiError
	afterDescribe func(poolID string)
}

// NewCognito starts a fake endpoint with no pools. Close stops it.
func NewCognito() *Cognito {
	c := &Cognito{pools: map[string]map[string]any{}, calls: map[string]int{}, denyPassRole: map[string]bool{}, failNext: map[string]apiError{}}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve))
	c.URL = c.srv.URL
	return c
}

// Close stops the endpoint.
func (c *Cognito) Close() { c.srv.Close() }

// Client returns an SDK client that talks to the fake with dummy credentials.
func (c *Cognito) Client() *cip.Client {
	return cip.NewFromConfig(aws.Config{
		Region:       "eu-central-1",
		Credentials:  credentials.NewStaticCredentialsProvider("fake", "fake", ""),
		BaseEndpoint: aws.String(c.URL),
	}, func(o *cip.Options) { o.RetryMaxAttempts = 1 })
}

// Put stores a pool: either a DescribeUserPool answer ({"UserPool": {...}}) or the pool object
// itself, in AWS JSON. It returns the pool's Id.
func (c *Cognito) Put(raw []byte) (string, error) {
	var doc map[string]any
	if err := decode(raw, &doc); err != nil {
		return "", err
	}
	if inner, ok := doc["UserPool"].(map[string]any); ok {
		doc = inner
	}
	id, _ := doc["Id"].(string)
	if id == "" {
		return "", fmt.Errorf("the pool has no Id")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pools[id] = doc
	return id, nil
}

// Pool returns a copy of the stored pool, nil if there is none.
func (c *Cognito) Pool(id string) map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pools[id]
	if !ok {
		return nil
	}
	return deepCopy(p).(map[string]any)
}

// Edit changes a stored pool in place, as someone else (the console, another tool) would.
func (c *Cognito) Edit(id string, f func(pool map[string]any)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.pools[id]; ok {
		f(p)
	}
}

// Delete removes a pool.
func (c *Cognito) Delete(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pools, id)
}

// Calls reports how many requests of an operation (e.g. "UpdateUserPool") the fake answered,
// refused ones included.
func (c *Cognito) Calls(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[op]
}

// Updates returns the bodies of every UpdateUserPool request received, refused ones included.
func (c *Cognito) Updates() []map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]map[string]any, len(c.updates))
	for i, u := range c.updates {
		out[i] = deepCopy(u).(map[string]any)
	}
	return out
}

// DenyPassRole makes the caller lack iam:PassRole on role: an update that carries it as the SMS
// role is refused, as real Cognito refuses it (see CognitoRules, "sms-role-pass-role").
func (c *Cognito) DenyPassRole(role string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.denyPassRole[role] = true
}

// FailNext makes the next request of op fail with the given error type and message (e.g.
// "TooManyRequestsException"), before it changes anything.
func (c *Cognito) FailNext(op, errType, message string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failNext[op] = apiError{Type: errType, Message: message, Status: 400}
}

// AfterDescribe runs f after every DescribeUserPool answer is computed and before the next
// request: a test uses it to change the pool between a read and the update that follows.
func (c *Cognito) AfterDescribe(f func(poolID string)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.afterDescribe = f
}

type apiError struct {
	Type, Message string
	Status        int
}

func (c *Cognito) serve(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	if r.Method != http.MethodPost || !strings.HasPrefix(target, cognitoTargetPrefix) ||
		r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		writeJSONError(w, apiError{Type: "UnknownOperationException", Message: "not an AWS JSON 1.1 Cognito request: " + target, Status: 400})
		return
	}
	op := strings.TrimPrefix(target, cognitoTargetPrefix)
	body, _ := io.ReadAll(r.Body)
	var req map[string]any
	if err := decode(body, &req); err != nil {
		writeJSONError(w, apiError{Type: "SerializationException", Message: err.Error(), Status: 400})
		return
	}
	c.mu.Lock()
	c.calls[op]++
	if op == "UpdateUserPool" {
		c.updates = append(c.updates, deepCopy(req).(map[string]any))
	}
	if e, ok := c.failNext[op]; ok {
		delete(c.failNext, op)
		c.mu.Unlock()
		writeJSONError(w, e)
		return
	}
	var (
		out   any
		aerr  *apiError
		after func(string)
	)
	poolID, _ := req["UserPoolId"].(string)
	switch op {
	case "DescribeUserPool":
		if p, ok := c.pools[poolID]; ok {
			out = map[string]any{"UserPool": deepCopy(p)}
			after = c.afterDescribe
		} else {
			aerr = notFound(poolID)
		}
	case "UpdateUserPool":
		aerr = c.update(poolID, req)
		out = map[string]any{}
	default:
		aerr = &apiError{Type: "UnknownOperationException", Message: op + " is not implemented by the fake", Status: 400}
	}
	c.mu.Unlock()
	if aerr != nil {
		writeJSONError(w, *aerr)
		return
	}
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = w.Write(b)
	if after != nil {
		after(poolID)
	}
}

func notFound(id string) *apiError {
	return &apiError{Type: "ResourceNotFoundException", Message: fmt.Sprintf("User pool %s does not exist.", id), Status: 400}
}

// update applies an UpdateUserPool request the way real Cognito does: checked against every rule
// first (a refusal changes nothing), then every updatable setting replaced by the request's.
func (c *Cognito) update(id string, req map[string]any) *apiError {
	cur, ok := c.pools[id]
	if !ok {
		return notFound(id)
	}
	for _, r := range CognitoRules {
		if e := r.check(req, cur, c); e != nil {
			return e
		}
	}
	next := map[string]any{}
	for _, k := range ReadOnlyFields {
		if v, ok := cur[k]; ok {
			next[k] = v
		}
	}
	for k, v := range req {
		switch k {
		case "UserPoolId":
		case "PoolName":
			next["Name"] = v
		default:
			next[k] = deepCopy(v)
		}
	}
	// "With the exception of UserPoolTier, if you don't provide a value for an attribute, Amazon
	// Cognito sets it to its default value." (API reference, UpdateUserPool)
	if _, ok := req["UserPoolTier"]; !ok {
		if v, ok := cur["UserPoolTier"]; ok {
			next["UserPoolTier"] = v
		}
	}
	for k, def := range map[string]string{"MfaConfiguration": "OFF", "DeletionProtection": "INACTIVE"} {
		if _, ok := next[k]; !ok {
			next[k] = def
		}
	}
	// Tags with the reserved aws: prefix can be neither set nor removed by callers.
	tags, _ := next["UserPoolTags"].(map[string]any)
	if tags == nil {
		tags = map[string]any{}
	}
	if old, ok := cur["UserPoolTags"].(map[string]any); ok {
		for k, v := range old {
			if strings.HasPrefix(k, "aws:") {
				tags[k] = v
			}
		}
	}
	if len(tags) > 0 {
		next["UserPoolTags"] = tags
	} else {
		delete(next, "UserPoolTags")
	}
	next["LastModifiedDate"] = json.Number(fmt.Sprint(time.Now().Unix()))
	c.pools[id] = next
	return nil
}

func writeJSONError(w http.ResponseWriter, e apiError) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	w.WriteHeader(e.Status)
	b, _ := json.Marshal(map[string]string{"__type": e.Type, "message": e.Message})
	_, _ = w.Write(b)
}

// decode keeps numbers as json.Number, so a pool round-trips byte for byte in value.
func decode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopy(e)
		}
		return s
	default:
		return v
	}
}

// get walks a JSON object along keys; nil when any step is missing.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any, keys ...string) string {
	s, _ := get(v, keys...).(string)
	return s
}

func num(v any, keys ...string) float64 {
	switch n := get(v, keys...).(type) {
	case json.Number:
		f, _ := n.Float64()
		return f
	case float64:
		return n
	}
	return 0
}
