package messages

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func testTable() Table {
	pool := []Chunk{{{Text: "<title>"}, {Slot: SlotAppName}, {Text: "</title>"}}, {{Text: "<p title=\""}, {Slot: SlotName}, {Text: "\">"}, {Slot: SlotCode}, {Text: " "}, {Slot: SlotUsername}, {Text: " "}, {Slot: SlotLink}, {Text: "</p>"}}}
	email := []uint16{0, 1}
	return Table{
		{Locale: "de", Source: "SignUp", Tested: Variant{Name: true}, Variant: Variant{}, Set: Set{
			Subject: []Segment{{Text: "Hallo "}, {Slot: SlotAppName}}, Email: email, Chunks: &pool, SMS: []Segment{{Slot: SlotCode}, {Text: " "}, {Slot: SlotUsername}},
		}},
		{Locale: "de", Source: "SignUp", Tested: Variant{Name: true}, Variant: Variant{Name: true}, Set: Set{
			Subject: []Segment{{Text: "Hallo "}, {Slot: SlotName}}, Email: email, Chunks: &pool, SMS: []Segment{{Slot: SlotCode}},
		}},
		{Locale: "en", Source: "SignUp", Set: Set{Subject: []Segment{{Text: "Hi"}}, Chunks: &pool}},
	}
}

func TestTableLookupAndRender(t *testing.T) {
	tbl := testTable()
	if got := strings.Join(tbl.Locales(), ","); got != "de,en" {
		t.Errorf("Locales = %s", got)
	}
	d := Data{Code: "{####}", AppName: `A&B "x"`, Link: "{##Click Here##}"}
	m, err := tbl.Render("de", "SignUp", d)
	if err != nil {
		t.Fatal(err)
	}
	// No name: the variant without it; the untested username slot renders empty and is trimmed.
	if m.Subject != `Hallo A&B "x"` || m.SMS != "{####}" {
		t.Errorf("subject %q sms %q", m.Subject, m.SMS)
	}
	if want := `<title>A&amp;B &#34;x&#34;</title><p title="">{####}  {##Click Here##}</p>`; m.Email != want {
		t.Errorf("email %q; want %q", m.Email, want)
	}
	d.Name = `<Zoë> & 'Al'+`
	m, _ = tbl.Render("de", "SignUp", d)
	if m.Subject != `Hallo <Zoë> & 'Al'+` {
		t.Errorf("subject %q: names stay raw outside HTML", m.Subject)
	}
	if !strings.Contains(m.Email, `title="&lt;Zoë&gt; &amp; &#39;Al&#39;&#43;"`) {
		t.Errorf("email %q: name not HTML-escaped", m.Email)
	}
	// A variant of a value the templates do not test maps to the same set.
	if a, _ := tbl.Lookup("de", "SignUp", Variant{Link: true, Username: true}); a != &tbl[0].Set {
		t.Error("untested values changed the variant")
	}
	for _, c := range [][2]string{{"fr", "SignUp"}, {"de", "ForgotPassword"}, {"", ""}, {"zz", "SignUp"}} {
		if _, err := tbl.Render(c[0], c[1], d); err == nil {
			t.Errorf("Render(%s, %s) found a set", c[0], c[1])
		}
	}
}

func TestCompiledTable(t *testing.T) {
	tbl := Compiled()
	// The compiled locales are the template tree's folders (TestGeneratedTableIsCurrent proves the
	// table is the tree's), among them every locale shipped since the first release.
	entries, err := os.ReadDir("../templates")
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, e := range entries {
		if e.IsDir() {
			folders = append(folders, e.Name())
		}
	}
	if got := strings.Join(tbl.Locales(), ","); got != strings.Join(folders, ",") {
		t.Fatalf("Locales = %s; want the folders of templates/: %v", got, folders)
	}
	for _, loc := range []string{"ar", "de", "en", "es", "fr", "it", "ja", "pt-BR", "zh-Hans"} {
		if !slices.Contains(tbl.Locales(), loc) {
			t.Errorf("locale %s is gone from the compiled table", loc)
		}
	}
	for _, loc := range tbl.Locales() {
		for _, src := range Sources {
			for _, v := range []Variant{{}, {Name: true}, {Name: true, Link: true, Username: true}} {
				if _, ok := tbl.Lookup(loc, src, v); !ok {
					t.Errorf("no set for %s/%s %+v", loc, src, v)
				}
			}
		}
	}
}
