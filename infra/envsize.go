package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
)

// Lambda refuses a function whose environment variables total more than 4 KB ("Lambda quotas":
// "Environment variables: 4 KB, for all environment variables associated with the function,
// combined"). CloudFormation learns that only while it updates the function — after it has created
// the retained app clients — and rolls back. So the synth checks first.
const (
	// MaxEnvironmentBytes is Lambda's limit, counted here on the variables' JSON encoding
	// ({"KEY":"value",…}), which is at least what Lambda counts.
	MaxEnvironmentBytes = 4096
	// MaxClientIDLength is the longest app client ID Cognito's API allows (UserPoolClientType.ClientId:
	// 1–128 characters). IDs of clients the stack creates exist only after the deploy; they are
	// counted at this length. Today's IDs have 26 characters, so this is a bound, not a guess.
	MaxClientIDLength = 128
)

// environmentSize returns the size of the function's environment as the stack will set it, with
// BRAND_CLIENTS' created client IDs at MaxClientIDLength; in customSender mode, the sender's, which
// has the trigger's variables and more.
func environmentSize(cfg Config) int {
	env := map[string]string{}
	for k, v := range *functionEnvironment(cfg) {
		env[k] = *v
	}
	var created map[string]*string
	if cfg.UserPoolID == "" {
		created = map[string]*string{}
		for _, b := range cfg.Brands.Brands {
			id := strings.Repeat("x", MaxClientIDLength)
			created[b.Name] = &id
		}
	}
	if pairs := brandClientPairs(cfg.Brands.Clients, created); pairs != nil {
		env["BRAND_CLIENTS"] = *pairs
	}
	if cfg.Sender == nil {
		return jsonSize(env)
	}
	// The sender and its failure recorder have the trigger's variables and their own: the largest
	// environment is what must fit.
	sender, recorder := maps.Clone(env), maps.Clone(env)
	sender["KMS_KEY_ARN"] = strings.Repeat("x", maxKeyArnLength)
	for k, v := range senderVariables(cfg) {
		sender[k] = v
	}
	recorder["SENDER_MODE"] = RecorderModeValue
	recorder["FAILURE_QUEUE_URL"] = strings.Repeat("x", maxQueueURLLength)
	return max(jsonSize(sender), jsonSize(recorder))
}

func jsonSize(env map[string]string) int {
	b, _ := json.Marshal(env) // a map of strings always encodes
	return len(b)
}

// checkEnvironmentSize fails the synth, with the figure and the way out, when the environment
// could exceed Lambda's limit.
func (c *Config) checkEnvironmentSize() []string {
	n := environmentSize(*c)
	if n <= MaxEnvironmentBytes {
		return nil
	}
	return []string{fmt.Sprintf("the function's environment would take up to %d bytes; Lambda allows %d "+
		"(BRAND_CLIENTS maps %d brand clients the stack creates, counted at Cognito's longest client ID, %d characters, plus %d from -c %s). "+
		"Map clients that already exist in their brand.json's clientIds (compiled into the function, not the environment), "+
		"or deploy fewer brands per stack (docs/brands.md#how-many-brands-fit)",
		n, MaxEnvironmentBytes, c.createdBrandClients(), MaxClientIDLength, len(c.Brands.Clients), KeyBrandClients)}
}

func (c *Config) createdBrandClients() int {
	if c.UserPoolID != "" {
		return 0
	}
	return len(c.Brands.Brands)
}
