package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// KeyConfirmPoolReplacement is the context key that lets one deploy replace the stack's own pool:
// its value is the ID of the pool being replaced (the stack's UserPoolId output).
const KeyConfirmPoolReplacement = "confirmPoolReplacement"

// PoolReplacementProperties are the AWS::Cognito::UserPool properties a change of which makes
// CloudFormation replace the pool: CreateUserPool takes them and UpdateUserPool does not, and the
// CloudFormation reference says "Update requires: Replacement" for AliasAttributes,
// UsernameAttributes and UsernameConfiguration. Schema is pinned too: CloudFormation adds custom
// attributes in place, but older versions of the reference say Replacement, and a standard
// attribute cannot be changed in place at all — asking once too often costs a confirmation, once
// too few a pool.
var PoolReplacementProperties = []string{"AliasAttributes", "Schema", "UsernameAttributes", "UsernameConfiguration"}

// PoolPinFile is the committed record of what the stack's pool was created with.
const PoolPinFile = "infra/userpool-pin.json"

// poolPin holds the stack's own pool's logical ID and, for each of PoolReplacementProperties, the
// JSON the template gives it. A synth cannot know what was deployed; this file says what the code deployed last, so
// a change to one of those properties — in stack.go, in a CDK upgrade's defaults, in an override —
// fails every synth and test until it is confirmed, instead of reaching a deploy.
//
//go:embed userpool-pin.json
var poolPin []byte

// confirmedPoolReplacement reads KeyConfirmPoolReplacement: "" when unset.
func confirmedPoolReplacement(scope constructs.Construct) (string, error) {
	v := scope.Node().TryGetContext(jsii.String(KeyConfirmPoolReplacement))
	if v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if s = strings.TrimSpace(s); !ok || (s != "" && !poolIDRe.MatchString(s)) {
		return "", fmt.Errorf("%s %v: want the ID of the user pool being replaced (the stack's UserPoolId output, e.g. eu-central-1_AbCdEf123)", KeyConfirmPoolReplacement, v)
	}
	return s, nil
}

// CheckPoolReplacement compares the stack's own pool in a synthesized template with the pin. A
// difference is refused unless confirm (KeyConfirmPoolReplacement) is set; the error names each
// property, both values, and what to do. A template without a pool of its own (existing-pool
// mode) passes.
func CheckPoolReplacement(template map[string]any, confirm string) error {
	logicalID, props, found := ownPool(template)
	if !found {
		return nil
	}
	var pinned map[string]json.RawMessage
	if err := json.Unmarshal(poolPin, &pinned); err != nil {
		return fmt.Errorf("%s: %v", PoolPinFile, err)
	}
	// A new logical ID is a new pool too: CloudFormation creates it and retains the old one.
	now := map[string]any{PinLogicalID: logicalID}
	var changed []string
	if got, _ := json.Marshal(logicalID); string(got) != string(canonical(pinned[PinLogicalID])) {
		changed = append(changed, fmt.Sprintf("%s: %s -> %s", PinLogicalID, canonical(pinned[PinLogicalID]), got))
	}
	for _, k := range PoolReplacementProperties {
		now[k] = props[k]
		got, _ := json.Marshal(props[k])
		want := "null"
		if p, ok := pinned[k]; ok {
			want = string(canonical(p))
		}
		if string(got) != want {
			changed = append(changed, fmt.Sprintf("%s: %s -> %s", k, want, got))
		}
	}
	if len(changed) == 0 || confirm != "" {
		return nil
	}
	sort.Strings(changed)
	pin, _ := json.MarshalIndent(now, "", "  ")
	return fmt.Errorf("the user pool's %s would change, and for that CloudFormation replaces the pool: the old one is retained with all its users and the app clients built into apps, "+
		"but loses its invoke permission, so its sign-ups and password resets fail. Refused (docs/stack-lifecycle.md).\n"+
		"  %s\n"+
		"To replace the pool on purpose, deploy each stage once with -c %s=<that stage's UserPoolId output> (its old pool is then detached and goes back to Cognito's own messages), "+
		"and commit %s as:\n%s",
		strings.Join(names(changed), ", "), strings.Join(changed, "\n  "), KeyConfirmPoolReplacement, PoolPinFile, pin)
}

// PinLogicalID is the pin's entry for the pool's logical ID.
const PinLogicalID = "LogicalId"

// ownPool returns the logical ID and properties of the template's one AWS::Cognito::UserPool.
func ownPool(template map[string]any) (string, map[string]any, bool) {
	res, _ := template["Resources"].(map[string]any)
	for id, r := range res {
		r, _ := r.(map[string]any)
		if r["Type"] == "AWS::Cognito::UserPool" {
			props, _ := r["Properties"].(map[string]any)
			return id, props, true
		}
	}
	return "", nil, false
}

func canonical(raw json.RawMessage) []byte {
	if raw == nil {
		return []byte("null")
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	b, _ := json.Marshal(v)
	return b
}

func names(changes []string) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i], _, _ = strings.Cut(c, ":")
	}
	return out
}
