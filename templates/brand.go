package templates

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"cognito-custom-message/messages"
)

// A brand is a folder <brands dir>/<brand>/ with a brand.json and, optionally, any subset of the
// templates/ tree (layout.html, <locale>/footer.html, <locale>/<Source>.<part>, <locale>/locale.json,
// whole new locale folders). Each file it has replaces the shipped one; every file it lacks is the
// shipped one. So a brand that only sets a name, a logo and a colour is one file, and a brand that
// rewords two messages is three.

// BrandFile is the file that makes a folder a brand.
const BrandFile = "brand.json"

// BrandConfig is brand.json. Unknown keys are an error, as are bad URLs, colours and locales.
type BrandConfig struct {
	// AppName is the product name in every message of the brand; required, at most
	// messages.MaxAppNameUnits UTF-16 units, nothing Sanitize would change.
	AppName string `json:"appName"`
	// ClientIDs are the app clients whose messages get this brand (callerContext.clientId, which
	// Cognito sets, not the caller). Client IDs that exist only after a deploy are mapped there
	// instead (the stack's brandClients).
	ClientIDs []string `json:"clientIds,omitempty"`
	// DefaultLocale is the brand's locale when the request matches none of its locales; default:
	// the deployment's DEFAULT_LOCALE if the brand sends it, else its first locale.
	DefaultLocale string `json:"defaultLocale,omitempty"`
	// Locales restricts the locales the brand sends (others resolve within them); default: all.
	Locales []string `json:"locales,omitempty"`
	// LogoURL is shown at the top of every email instead of the product name in text (which stays
	// its alt text); https only. LogoWidth and LogoHeight are its size in CSS pixels.
	LogoURL    string `json:"logoUrl,omitempty"`
	LogoWidth  int    `json:"logoWidth,omitempty"`
	LogoHeight int    `json:"logoHeight,omitempty"`
	// AccentColor (#rrggbb) colours the bar above the email and the product name.
	AccentColor string `json:"accentColor,omitempty"`
	// SupportURL (https) and SupportEmail are shown in the footer, after the locale's "Help:" label.
	SupportURL   string `json:"supportUrl,omitempty"`
	SupportEmail string `json:"supportEmail,omitempty"`

	// The custom sender's identity for this brand (docs/sender.md); each left out is the
	// deployment's default (EMAIL_FROM, EMAIL_REPLY_TO, SES_CONFIGURATION_SET, SMS_SENDER_ID).
	// FromEmail must be an SES-verified identity; FromName is shown as the sender's name.
	FromEmail           string `json:"fromEmail,omitempty"`
	FromName            string `json:"fromName,omitempty"`
	ReplyTo             string `json:"replyTo,omitempty"`
	SESConfigurationSet string `json:"sesConfigurationSet,omitempty"`
	SMSSenderID         string `json:"smsSenderId,omitempty"`
}

// Default logo size, in CSS pixels, when brand.json gives none: a wordmark's usual proportions.
const (
	DefaultLogoWidth  = 160
	DefaultLogoHeight = 40
)

// BrandView is what the layout and footers see of the brand: .Brand.Logo and so on. Every field is
// fixed for a brand, so the compiled text carries it as it is (no slot, nothing at run time).
type BrandView struct {
	Logo                  string
	LogoWidth, LogoHeight int
	Accent                string
	SupportURL            string
	SupportEmail          string
}

// HasSupport reports whether the brand shows a support line.
func (b BrandView) HasSupport() bool { return b.SupportURL != "" || b.SupportEmail != "" }

func (cfg BrandConfig) view() BrandView {
	v := BrandView{Logo: cfg.LogoURL, Accent: cfg.AccentColor, SupportURL: cfg.SupportURL, SupportEmail: cfg.SupportEmail}
	if v.Logo != "" {
		v.LogoWidth, v.LogoHeight = cfg.LogoWidth, cfg.LogoHeight
		if v.LogoWidth == 0 {
			v.LogoWidth = DefaultLogoWidth
		}
		if v.LogoHeight == 0 {
			v.LogoHeight = DefaultLogoHeight
		}
	}
	return v
}

// Brand is one brand: its configuration and the catalog of its merged template tree, restricted to
// its locales.
type Brand struct {
	Name    string
	Config  BrandConfig
	Catalog *Catalog
}

var (
	brandNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
	colorRe     = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	// A support address goes into a mailto: link: nothing that could add a header (?cc=), a second
	// address or a character Cognito refuses.
	supportEmailRe = regexp.MustCompile(`^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}$`)
	// SES configuration set names: letters, digits, _ and -, up to 64 (SES API reference).
	configSetRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	// SMS sender IDs: 1–11 letters and digits, at least one letter (SNS / End User Messaging).
	senderIDRe = regexp.MustCompile(`^[A-Za-z0-9]{0,10}[A-Za-z][A-Za-z0-9]{0,10}$`)
	// Cognito's app client IDs: 1–128 word characters (API reference, UserPoolClientType.ClientId).
	clientIDRe = regexp.MustCompile(`^[\w+]{1,128}$`)
)

// ValidClientID reports whether id has the shape of a Cognito app client ID.
func ValidClientID(id string) bool { return clientIDRe.MatchString(id) }

// CompileBrands compiles each brand's table, as the generator writes them.
func CompileBrands(brands []*Brand) ([]BrandTable, error) {
	var out []BrandTable
	for _, b := range brands {
		t, err := b.Catalog.Table()
		if err != nil {
			return nil, fmt.Errorf("brand %s: %w", b.Name, err)
		}
		out = append(out, BrandTable{Brand: b, Table: t})
	}
	return out, nil
}

// ValidBrandName reports whether name can name a brand: lower-case letters, digits and '-', up to 32,
// starting with a letter or digit — usable as a folder, an app client name and a metadata value.
func ValidBrandName(name string) bool { return brandNameRe.MatchString(name) }

// LoadBrands reads every brand folder under dir, each over base (the shipped tree). A folder that is
// not a brand, a brand.json that breaks a rule, or a client ID claimed twice is an error naming the
// file and key; all problems are reported together. dir not existing means no brands.
func LoadBrands(dir fs.FS, base fs.FS) ([]*Brand, error) {
	entries, err := fs.ReadDir(dir, ".")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("brands: %w", err)
	}
	baseCatalog, err := New(base)
	if err != nil {
		return nil, err
	}
	var (
		brands []*Brand
		errs   []string
		owner  = map[string]string{} // client ID -> brand
	)
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || strings.HasPrefix(name, ".") {
			continue // a README or .gitkeep beside the brands
		}
		sub, err := fs.Sub(dir, name)
		if err != nil {
			return nil, err
		}
		b, berrs := loadBrand(name, sub, base, baseCatalog.Locales())
		errs = append(errs, berrs...)
		if b == nil {
			continue
		}
		for _, id := range b.Config.ClientIDs {
			if other, ok := owner[id]; ok {
				errs = append(errs, fmt.Sprintf("%s/%s: clientIds: %q is also claimed by brand %q", name, BrandFile, id, other))
			}
			owner[id] = name
		}
		brands = append(brands, b)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("brands:\n  %s", strings.Join(errs, "\n  "))
	}
	sort.Slice(brands, func(i, j int) bool { return brands[i].Name < brands[j].Name })
	return brands, nil
}

// loadBrand reads one brand; problems come back as "file: key: what" lines.
func loadBrand(name string, dir, base fs.FS, shipped []string) (*Brand, []string) {
	file := path.Join(name, BrandFile)
	var errs []string
	fail := func(key, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("%s: %s: %s", file, key, fmt.Sprintf(format, args...)))
	}
	if !ValidBrandName(name) {
		errs = append(errs, fmt.Sprintf("%s: folder name %q: lower-case letters, digits and '-', at most 32 (it names the brand)", name, name))
	}
	if name == messages.DefaultBrandName {
		errs = append(errs, fmt.Sprintf("%s: folder name %q is reserved for the unbranded messages (templates/ and APP_NAME): rename the folder; to change the unbranded messages, edit templates/", name, name))
	}
	raw, err := fs.ReadFile(dir, BrandFile)
	if err != nil {
		return nil, append(errs, fmt.Sprintf("%s: missing: every brand folder needs a %s with at least an appName", file, BrandFile))
	}
	var cfg BrandConfig
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, append(errs, fmt.Sprintf("%s: %v (known keys: appName, clientIds, defaultLocale, locales, logoUrl, logoWidth, logoHeight, accentColor, supportUrl, supportEmail, fromEmail, fromName, replyTo, sesConfigurationSet, smsSenderId)", file, err))
	}
	if dec.More() {
		return nil, append(errs, fmt.Sprintf("%s: more than one JSON value", file))
	}

	if clean := messages.Sanitize(cfg.AppName, messages.MaxAppNameUnits); cfg.AppName == "" || clean != cfg.AppName {
		fail("appName", "%q: required, 1 to %d characters, no control, format or private-use characters, no braces, no leading, trailing or double spaces", cfg.AppName, messages.MaxAppNameUnits)
	}
	for i, id := range cfg.ClientIDs {
		if !clientIDRe.MatchString(id) {
			fail(fmt.Sprintf("clientIds[%d]", i), "%q is not an app client ID", id)
		} else if slices.Contains(cfg.ClientIDs[:i], id) {
			fail(fmt.Sprintf("clientIds[%d]", i), "%q is listed twice", id)
		}
	}

	// The brand's tree: its own files over the shipped ones.
	tree := Overlay(dir, base)
	all, err := New(tree)
	if err != nil {
		return nil, append(errs, fmt.Sprintf("%s: %v", name, err))
	}
	available := all.Locales()
	locales := available
	if cfg.Locales != nil {
		locales = nil
		if len(cfg.Locales) == 0 {
			fail("locales", "empty: leave the key out to send every locale")
		}
		for i, loc := range cfg.Locales {
			switch {
			case !all.HasLocale(loc):
				fail(fmt.Sprintf("locales[%d]", i), "%q: no such locale folder (have %s)", loc, strings.Join(available, ", "))
			case slices.Contains(locales, loc):
				fail(fmt.Sprintf("locales[%d]", i), "%q is listed twice", loc)
			default:
				locales = append(locales, loc)
			}
		}
		sort.Strings(locales)
	}
	if cfg.DefaultLocale != "" && !slices.Contains(locales, cfg.DefaultLocale) {
		fail("defaultLocale", "%q is not one of the brand's locales (%s)", cfg.DefaultLocale, strings.Join(locales, ", "))
	}
	if cfg.LogoURL != "" {
		if err := httpsURL(cfg.LogoURL); err != nil {
			fail("logoUrl", "%q: %v", cfg.LogoURL, err)
		}
	} else if cfg.LogoWidth != 0 || cfg.LogoHeight != 0 {
		fail("logoWidth", "a logo size without logoUrl")
	}
	for key, v := range map[string]int{"logoWidth": cfg.LogoWidth, "logoHeight": cfg.LogoHeight} {
		if v < 0 || v > 600 {
			fail(key, "%d: 1 to 600 CSS pixels", v)
		}
	}
	if cfg.AccentColor != "" && !colorRe.MatchString(cfg.AccentColor) {
		fail("accentColor", "%q: a colour as #rrggbb", cfg.AccentColor)
	}
	if cfg.SupportURL != "" {
		if err := httpsURL(cfg.SupportURL); err != nil {
			fail("supportUrl", "%q: %v", cfg.SupportURL, err)
		}
	}
	if cfg.SupportEmail != "" && !supportEmailRe.MatchString(cfg.SupportEmail) {
		fail("supportEmail", "%q: one plain address (help@example.com): letters, digits and . _ %% + - before the @, a domain after it", cfg.SupportEmail)
	}
	for key, v := range map[string]string{"fromEmail": cfg.FromEmail, "replyTo": cfg.ReplyTo} {
		if v != "" && !supportEmailRe.MatchString(v) {
			fail(key, "%q: one plain address (no-reply@example.com); the name goes in fromName", v)
		}
	}
	if clean := messages.Sanitize(cfg.FromName, 64); cfg.FromName != clean || strings.ContainsAny(cfg.FromName, "<>\"\\@,;") {
		fail("fromName", "%q: at most 64 characters, no control or format characters, none of < > \" \\ @ , ;", cfg.FromName)
	}
	if cfg.SESConfigurationSet != "" && !configSetRe.MatchString(cfg.SESConfigurationSet) {
		fail("sesConfigurationSet", "%q: letters, digits, _ and -, at most 64", cfg.SESConfigurationSet)
	}
	if len(cfg.SMSSenderID) > 11 || cfg.SMSSenderID != "" && !senderIDRe.MatchString(cfg.SMSSenderID) {
		fail("smsSenderId", "%q: 1 to 11 letters and digits, at least one letter", cfg.SMSSenderID)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	c, err := newCatalog(tree, locales, cfg.view())
	if err != nil {
		return nil, append(errs, fmt.Sprintf("%s: %v", name, err))
	}
	return &Brand{Name: name, Config: cfg, Catalog: c}, nil
}

// httpsURL accepts an absolute https URL with a host, nothing that could escape an attribute or
// pose as a Cognito placeholder, and nothing Cognito's character check refuses.
func httpsURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return err
	case u.Scheme != "https":
		return errors.New("https only")
	case u.Host == "" || u.User != nil:
		return errors.New("want https://host/path")
	case len(s) > 512:
		return errors.New("longer than 512 characters")
	case strings.ContainsAny(s, "\"'<>{}` \\"):
		return errors.New("quotes, angle brackets, braces, backslashes and spaces are not allowed")
	}
	if _, _, bad := messages.FirstRejected(s); bad {
		return errors.New("a character Cognito rejects")
	}
	return nil
}

// Overlay is a file tree where top's files replace base's: what a brand folder over templates/ is.
// Directories are merged; a file in top hides the same path in base.
func Overlay(top, base fs.FS) fs.FS { return overlayFS{top, base} }

type overlayFS struct{ top, base fs.FS }

func (o overlayFS) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		if st, err := f.Stat(); err == nil && !st.IsDir() {
			return f, nil
		}
		f.Close()
	}
	return o.base.Open(name)
}

func (o overlayFS) ReadFile(name string) ([]byte, error) {
	if b, err := fs.ReadFile(o.top, name); err == nil {
		return b, nil
	} else if !errors.Is(err, fs.ErrNotExist) && !isDirErr(o.top, name) {
		return nil, err
	}
	return fs.ReadFile(o.base, name)
}

func isDirErr(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && st.IsDir()
}

func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	top, errTop := fs.ReadDir(o.top, name)
	base, errBase := fs.ReadDir(o.base, name)
	if errTop != nil && errBase != nil {
		return nil, errBase
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range top {
		if e.Name() == BrandFile && name == "." {
			continue // the brand's own configuration is not part of the template tree
		}
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range base {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// LintBrand lints a brand's merged tree (its folder own over base) with its product name and
// locales, and names each finding by the file the brand's author owns: own/FILE when the brand has
// the file or the locale is the brand's own (base has no such folder, so only the brand can add the
// file); otherwise own/FILE too, with Inherited = baseName/FILE, the shipped file the finding is
// in, which the author overrides by copying it to own/FILE.
func LintBrand(b *Brand, own string, base fs.FS, baseName string) Report {
	r := Lint(Overlay(os.DirFS(own), base), ForBrand(b))
	join := func(root, file string) string { return strings.TrimSuffix(root, "/") + "/" + file }
	for i, f := range r.Findings {
		// Some findings name several files ("de/X.email.html or layout.html or de/footer.html") or a
		// source rather than a file ("de/SignUp", "de/SignUp.*"): each part is placed on its own.
		parts := strings.Split(f.File, " or ")
		var owned, inherited []string
		for _, p := range parts {
			loc, _, _ := strings.Cut(p, "/")
			if brandHas(own, p) || !isDirErr(base, loc) && loc != LayoutFile {
				owned = append(owned, join(own, p))
				continue
			}
			owned = append(owned, join(own, p))
			inherited = append(inherited, join(baseName, p))
		}
		r.Findings[i].File = strings.Join(owned, " or ")
		if len(inherited) > 0 {
			r.Findings[i].Inherited = strings.Join(inherited, " or ")
		}
	}
	return r
}

// brandHas reports whether the brand folder own has file, or for a source ("de/SignUp",
// "de/SignUp.*") any of its files.
func brandHas(own, file string) bool {
	if _, err := os.Stat(filepath.Join(own, file)); err == nil {
		return true
	}
	m, _ := filepath.Glob(filepath.Join(own, strings.TrimSuffix(file, ".*")) + ".*")
	return len(m) > 0
}
