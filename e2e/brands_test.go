//go:build e2e

package e2e_test

import (
	"os"
	"strings"
	"testing"

	"cognito-custom-message/messages"
)

// TestBrandsPerClient: two app clients on one pool, mapped to the two example brands the way the
// stack maps clients it creates (BRAND_CLIENTS, set once the clients exist). The same sign-up through
// each client delivers that brand's mail; through the original client, the default brand's.
// `make e2e` compiles examples/brands into the function for the whole suite: the other scenarios
// then also show that brands built in change nothing for clients without one.
func TestBrandsPerClient(t *testing.T) {
	if !strings.Contains(os.Getenv("LAMBDA_TAGS"), "brands") {
		t.Fatal("run through `make e2e`, which compiles examples/brands into the function (LAMBDA_TAGS=brands)")
	}
	e := setup(t)
	clients := map[string]string{}
	for _, brand := range []string{"acme", "northwind"} {
		var c struct{ UserPoolClient struct{ ClientId string } }
		e.aws(&c, "cognito-idp", "create-user-pool-client", "--user-pool-id", e.poolID, "--client-name", brand)
		clients[brand] = c.UserPoolClient.ClientId
	}
	if err := e.h.RestartFunction(e.ctx, "BRAND_CLIENTS="+clients["acme"]+"=acme,"+clients["northwind"]+"="+"northwind"); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		client, brand, subject string
		look                   []string
	}{
		{clients["acme"], "acme", "Confirm your Acme Cloud account", []string{`<img src="https://assets.acme.example/email/logo.png"`, "#0f766e"}},
		{clients["northwind"], "northwind", "Welcome aboard! Confirm your Northwind Rail account", []string{"Thanks for choosing to travel with Northwind Rail", "#1d4ed8", "help.northwind.example"}},
		{e.client, "", "Confirm your " + appName + " account", nil},
	} {
		name := c.brand
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			email := name + "@example.com"
			inv := e.call(nil, "cognito-idp", "sign-up", "--client-id", c.client, "--username", email, "--password", password,
				"--client-metadata", "locale=en")
			ev, _ := inv.Event()
			if ev.CallerContext.ClientID != c.client {
				t.Fatalf("the trigger saw client %q; want %q", ev.CallerContext.ClientID, c.client)
			}
			resp, err := inv.Response()
			if err != nil || resp.EmailSubject == nil {
				t.Fatalf("reply %s: %v", inv.Reply, err)
			}
			if *resp.EmailSubject != c.subject {
				t.Errorf("subject %q; want %q", *resp.EmailSubject, c.subject)
			}
			d := e.lastDelivery(c.subject)
			for _, s := range c.look {
				if !strings.Contains(d.EmailMessage, s) {
					t.Errorf("delivered email lacks %q", s)
				}
			}
			if c.brand == "" && strings.Contains(d.EmailMessage, "<img") {
				t.Error("the default brand's mail has a logo")
			}
			if err := messages.Check(messages.Message{Subject: *resp.EmailSubject, Email: *resp.EmailMessage, SMS: *resp.SMSMessage}, messages.Placeholders{Code: "{####}"}); err != nil {
				t.Errorf("reply breaks Cognito's rules: %v", err)
			}
		})
	}
	if !strings.Contains(e.h.FunctionLog(), `"brand":"northwind","brand_source":"clientId"`) {
		t.Errorf("the function log does not name the brand:\n%s", e.h.FunctionLog())
	}
}
