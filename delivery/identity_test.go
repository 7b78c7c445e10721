package delivery

import (
	"testing"

	"cognito-custom-message/messages"
)

func TestBrandIdentities(t *testing.T) {
	def := Identity{From: "Platform <no-reply@platform.example>", ReplyTo: "help@platform.example", SMSSenderID: "Platform"}
	ids := Identities{Default: def, Brands: BrandIdentities([]messages.Brand{
		{Name: "northwind", Sender: messages.Sender{FromEmail: "no-reply@northwind.example", FromName: "Northwind", SESConfigurationSet: "nw"}},
		{Name: "named", Sender: messages.Sender{FromName: "Named Ünïcode"}},
		{Name: "plain"},
	}, def)}
	for _, c := range []struct {
		brand string
		want  Identity
	}{
		{"northwind", Identity{From: `"Northwind" <no-reply@northwind.example>`, ReplyTo: def.ReplyTo, ConfigurationSet: "nw", SMSSenderID: "Platform"}},
		{"named", Identity{From: "=?utf-8?q?Named_=C3=9Cn=C3=AFcode?= <no-reply@platform.example>", ReplyTo: def.ReplyTo, SMSSenderID: "Platform"}},
		{"plain", def},
		{"unknown", def},
	} {
		if got := ids.of(c.brand); got != c.want {
			t.Errorf("%s: got %+v; want %+v", c.brand, got, c.want)
		}
	}
}
