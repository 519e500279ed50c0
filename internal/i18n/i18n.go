// Package i18n owns the message catalogues: every text a user reads (pages,
// mails, error messages) comes from locales/<lang>/*.yaml, German first,
// English second. Go code refers to messages by key only.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed locales
var locales embed.FS

// Default is the language used when nothing else matches, and the fallback
// for keys a translation lacks.
const Default = "de"

// Catalog holds the flattened messages per language. It is read-only after
// Load and safe for concurrent use.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load reads the embedded catalogues. Nested YAML maps become dotted keys
// ("nav.home"); a key defined twice for one language is an error.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	dirs, err := fs.ReadDir(locales, "locales")
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		lang := d.Name()
		m := map[string]string{}
		files, _ := fs.Glob(locales, path.Join("locales", lang, "*.yaml"))
		sort.Strings(files)
		for _, f := range files {
			src, err := locales.ReadFile(f)
			if err != nil {
				return nil, err
			}
			var tree map[string]any
			if err := yaml.Unmarshal(src, &tree); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
			if err := flatten("", tree, m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", f, err)
			}
		}
		c.msgs[lang] = m
	}
	if _, ok := c.msgs[Default]; !ok {
		return nil, fmt.Errorf("i18n: no %q catalogue", Default)
	}
	return c, nil
}

func flatten(prefix string, tree map[string]any, out map[string]string) error {
	for k, v := range tree {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			if err := flatten(key, v, out); err != nil {
				return err
			}
		case string:
			if _, dup := out[key]; dup {
				return fmt.Errorf("key %q defined twice", key)
			}
			out[key] = v
		default:
			return fmt.Errorf("key %q: value must be a string", key)
		}
	}
	return nil
}

// Languages lists the available languages, the default first.
func (c *Catalog) Languages() []string {
	langs := []string{Default}
	for l := range c.msgs {
		if l != Default {
			langs = append(langs, l)
		}
	}
	sort.Strings(langs[1:])
	return langs
}

// Has reports whether lang has a catalogue.
func (c *Catalog) Has(lang string) bool {
	_, ok := c.msgs[lang]
	return ok
}

// Keys returns the keys of lang's catalogue, sorted.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T returns the message for key in lang, formatted with args using fmt verbs.
// A key missing in lang falls back to German; a key missing everywhere is
// returned as-is so the gap is visible (and caught by the catalogue tests).
func (c *Catalog) T(lang, key string, args ...any) string {
	msg, ok := c.msgs[lang][key]
	if !ok {
		msg, ok = c.msgs[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// N is T for a count: it uses key.one when n == 1 and key.other otherwise
// (German and English share this rule), passing n as the first argument.
func (c *Catalog) N(lang, key string, n int, args ...any) string {
	form := ".other"
	if n == 1 {
		form = ".one"
	}
	return c.T(lang, key+form, append([]any{n}, args...)...)
}

// Match picks the best supported language from an Accept-Language header
// value, ignoring regions (de-AT -> de) and honouring q-values.
func (c *Catalog) Match(acceptLanguage string) string {
	best, bestQ := Default, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if c.Has(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}
