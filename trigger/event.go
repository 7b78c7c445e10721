package trigger

import (
	"encoding/json"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
)

// Event is the CustomMessage event: aws-lambda-go's type, with the request extended by the link
// placeholder it lacks (aws-lambda-go#592).
type Event struct {
	events.CognitoEventUserPoolsHeader
	Request  Request                                           `json:"request"`
	Response events.CognitoEventUserPoolsCustomMessageResponse `json:"response"`
}

// Request is aws-lambda-go's CustomMessage request plus linkParameter.
type Request struct {
	events.CognitoEventUserPoolsCustomMessageRequest
	LinkParameter string `json:"linkParameter"`
}

// Response is the part of the reply Cognito reads. A nil field is sent as JSON null, which tells
// Cognito to use the pool's own template; aws-lambda-go's response type can only send "".
type Response struct {
	SMSMessage   *string `json:"smsMessage"`
	EmailMessage *string `json:"emailMessage"`
	EmailSubject *string `json:"emailSubject"`
}

// decodeEvent reads the event Lambda delivers. The typed decode is tried first; if any field has an
// unexpected type (a number where a string belongs, an array for clientMetadata, …) the event is read
// again field by field, keeping every value that has the right type and dropping the rest, so one odd
// field never turns into an error that fails the user's sign-in. lenient reports that second path.
func decodeEvent(top map[string]json.RawMessage) (ev Event, lenient bool) {
	if err := decodeStrict(top, &ev); err == nil {
		return ev, false
	}
	ev = Event{}
	str(top["version"], &ev.Version)
	str(top["triggerSource"], &ev.TriggerSource)
	str(top["region"], &ev.Region)
	str(top["userPoolId"], &ev.UserPoolID)
	str(top["userName"], &ev.UserName)
	var caller map[string]json.RawMessage
	if json.Unmarshal(top["callerContext"], &caller) == nil {
		str(caller["awsSdkVersion"], &ev.CallerContext.AWSSDKVersion)
		str(caller["clientId"], &ev.CallerContext.ClientID)
	}
	var req map[string]json.RawMessage
	if json.Unmarshal(top["request"], &req) == nil {
		r := &ev.Request
		str(req["codeParameter"], &r.CodeParameter)
		str(req["usernameParameter"], &r.UsernameParameter)
		str(req["linkParameter"], &r.LinkParameter)
		r.UserAttributes = scalarMap(req["userAttributes"])
		if md := scalarMap(req["clientMetadata"]); md != nil {
			r.ClientMetadata = make(map[string]string, len(md))
			for k, v := range md {
				if s, ok := v.(string); ok {
					r.ClientMetadata[k] = s
				}
			}
		}
	}
	return ev, true
}

func decodeStrict(top map[string]json.RawMessage, ev *Event) error {
	for _, f := range []struct {
		key string
		dst any
	}{
		{"version", &ev.Version}, {"triggerSource", &ev.TriggerSource}, {"region", &ev.Region},
		{"userPoolId", &ev.UserPoolID}, {"userName", &ev.UserName},
		{"callerContext", &ev.CallerContext}, {"request", &ev.Request},
	} {
		if raw, ok := top[f.key]; ok {
			if err := json.Unmarshal(raw, f.dst); err != nil {
				return err
			}
		}
	}
	return nil
}

// str sets *dst when raw is a JSON string; anything else (null, number, object) leaves it empty.
func str(raw json.RawMessage, dst *string) {
	if len(raw) > 0 && raw[0] == '"' {
		_ = json.Unmarshal(raw, dst)
	}
}

// scalarMap keeps the string, boolean and number values of a JSON object. Cognito sends attribute
// values as strings; older samples and emulators use booleans, which the handler reads as "true".
func scalarMap(raw json.RawMessage) map[string]any {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		var x any
		if json.Unmarshal(v, &x) != nil {
			continue
		}
		switch x.(type) {
		case string, bool, float64:
			out[k] = x
		}
	}
	return out
}

// attribute returns a user attribute as text: strings as they are, booleans and numbers spelled out,
// anything else empty.
func attribute(attrs map[string]any, key string) string {
	switch v := attrs[key].(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}
