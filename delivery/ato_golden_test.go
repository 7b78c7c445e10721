package delivery

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden account-takeover mails in testdata/golden")

// TestATOGolden renders each shipped account-takeover sample (events/sender/*account-takeover*.json)
// and compares the mail — subject, text part, HTML — with testdata/golden/<sample>.txt, so a change
// to the wording, the layout or the vetting shows up in review as a line diff. `make golden`
// rewrites them.
func TestATOGolden(t *testing.T) {
	samples, err := filepath.Glob("../events/sender/*account-takeover*.json")
	if err != nil || len(samples) == 0 {
		t.Fatalf("no account-takeover samples: %v", err)
	}
	for _, p := range samples {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var ev Event
			if err := json.Unmarshal(b, &ev); err != nil {
				t.Fatal(err)
			}
			w := newATOWorld(t)
			if err := w.s.Handle(context.Background(), ev); err != nil {
				t.Fatal(err)
			}
			if len(w.mail.sent) != 1 {
				t.Fatalf("%d mails", len(w.mail.sent))
			}
			m := w.mail.sent[0]
			got := "To: " + m.To + "\nContent-Language: " + m.Locale + "\nSubject: " + m.Subject +
				"\n\n--- text part ---\n" + m.Text + "\n--- HTML part ---\n" + m.HTML + "\n"
			golden := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run `make golden`)", err)
			}
			if got != string(want) {
				gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
				for i := 0; i < max(len(gl), len(wl)); i++ {
					var g, w string
					if i < len(gl) {
						g = gl[i]
					}
					if i < len(wl) {
						w = wl[i]
					}
					if g != w {
						t.Errorf("%s line %d:\n got  %q\n want %q", golden, i+1, g, w)
					}
				}
			}
		})
	}
}
