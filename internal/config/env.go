package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// envPrefix starts every environment variable this package reads.
const envPrefix = "KF_"

var durationType = reflect.TypeFor[time.Duration]()

// setting is one leaf of Config: its dotted key ("mail.smtp.host") and the
// addressable field it lives in.
type setting struct {
	key   string
	field reflect.Value
}

// envName returns the environment variable of a setting:
// "mail.smtp.host" becomes "KF_MAIL_SMTP_HOST".
func (s setting) envName() string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(s.key, ".", "_"))
}

// settings walks c by its yaml tags and returns every leaf setting in field
// order. Nested structs other than time.Duration are sections; every other
// field is a leaf. c must be a pointer so the fields can be set.
func settings(c *Config) []setting {
	var out []setting
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			key := prefix + name
			if f.Type.Kind() == reflect.Struct && f.Type != durationType {
				walk(v.Field(i), key+".")
				continue
			}
			out = append(out, setting{key: key, field: v.Field(i)})
		}
	}
	walk(reflect.ValueOf(c).Elem(), "")
	return out
}

// applyEnv sets every setting named by a KF_* entry of environ. Entries
// without the prefix are ignored; a KF_* name that matches no setting is an
// error, so a typo cannot pass silently. Later entries win.
func (c *Config) applyEnv(environ []string) error {
	byName := make(map[string]setting)
	for _, s := range settings(c) {
		byName[s.envName()] = s
	}
	var errs []error
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, envPrefix) {
			continue
		}
		s, ok := byName[name]
		if !ok {
			errs = append(errs, fmt.Errorf("config: %s: no such setting (see config.example.yaml for the names)", name))
			continue
		}
		if err := setFromString(s.field, value); err != nil {
			errs = append(errs, fmt.Errorf("config: %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// setFromString parses value into the field v according to its type:
// string, bool, int, time.Duration ("720h") or []string (comma-separated).
func setFromString(v reflect.Value, value string) error {
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 90s, 15m or 720h", value)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(value)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("%q is not a boolean (true or false)", value)
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("%q is not an integer", value)
		}
		v.SetInt(int64(n))
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		var list []string
		for item := range strings.SplitSeq(value, ",") {
			if item = strings.TrimSpace(item); item != "" {
				list = append(list, item)
			}
		}
		v.Set(reflect.ValueOf(list))
	default:
		// Only reachable when a field of an unsupported type is added to
		// Config; TestSettingTypes catches that.
		return fmt.Errorf("settings of type %s cannot be set from the environment", v.Type())
	}
	return nil
}
