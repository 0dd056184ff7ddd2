package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// The Postman collection format, v2.0 and v2.1
// (https://schema.getpostman.com/json/collection/v2.1.0/collection.json),
// decoded leniently: where the two versions or Postman's own exports differ
// (a URL as a string or an object, auth parameters as a list or a map, a
// description as a string or an object), both shapes are accepted.

type pmCollection struct {
	Info     pmInfo       `json:"info"`
	Item     []*pmItem    `json:"item"`
	Auth     *pmAuth      `json:"auth"`
	Event    []pmEvent    `json:"event"`
	Variable []pmVariable `json:"variable"`
}

type pmInfo struct {
	Name        string        `json:"name"`
	Description pmDescription `json:"description"`
	Schema      string        `json:"schema"`
}

// pmItem is a request or a folder (an item with items).
type pmItem struct {
	Name        string        `json:"name"`
	Description pmDescription `json:"description"`
	Item        []*pmItem     `json:"item"`
	Request     *pmRequest    `json:"request"`
	Auth        *pmAuth       `json:"auth"`
	Event       []pmEvent     `json:"event"`
	Variable    []pmVariable  `json:"variable"`
	isFolder    bool
}

func (it *pmItem) UnmarshalJSON(data []byte) error {
	type plain pmItem
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return err
	}
	_, hasItems := probe["item"]
	*it = pmItem(p)
	it.isFolder = hasItems && it.Request == nil
	return nil
}

type pmDescription string

func (d *pmDescription) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*d = pmDescription(s)
		return nil
	}
	var o struct {
		Content string `json:"content"`
	}
	if json.Unmarshal(data, &o) == nil {
		*d = pmDescription(o.Content)
	}
	return nil
}

type pmRequest struct {
	Method      string        `json:"method"`
	URL         pmURL         `json:"url"`
	Header      pmHeaders     `json:"header"`
	Body        *pmBody       `json:"body"`
	Auth        *pmAuth       `json:"auth"`
	Description pmDescription `json:"description"`
}

// A request may be written as just its URL.
func (r *pmRequest) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*r = pmRequest{Method: "GET", URL: pmURL{Raw: s}}
		return nil
	}
	type plain pmRequest
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*r = pmRequest(p)
	return nil
}

type pmURL struct {
	Raw      string       `json:"raw"`
	Protocol string       `json:"protocol"`
	Host     pmStrings    `json:"host"`
	Port     string       `json:"port"`
	Path     pmPath       `json:"path"`
	Query    []pmKV       `json:"query"`
	Variable []pmVariable `json:"variable"`
	// structured is set when the URL was an object with a host.
	structured bool
}

func (u *pmURL) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*u = pmURL{Raw: s}
		return nil
	}
	type plain pmURL
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*u = pmURL(p)
	u.structured = len(u.Host) > 0
	return nil
}

// pmStrings is a list of strings, or one string split on dots (host).
type pmStrings []string

func (s *pmStrings) UnmarshalJSON(data []byte) error {
	var one string
	if json.Unmarshal(data, &one) == nil {
		*s = strings.Split(one, ".")
		return nil
	}
	var list []string
	if err := json.Unmarshal(data, &list); err != nil {
		return err
	}
	*s = list
	return nil
}

// pmPath is a path as a string or a list of segments, a segment being a
// string or an object with a value.
type pmPath []string

func (p *pmPath) UnmarshalJSON(data []byte) error {
	var one string
	if json.Unmarshal(data, &one) == nil {
		*p = strings.Split(strings.TrimPrefix(one, "/"), "/")
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, s)
			continue
		}
		var o struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(r, &o); err != nil {
			return err
		}
		out = append(out, o.Value)
	}
	*p = out
	return nil
}

// pmKV is a header, query parameter or form parameter.
type pmKV struct {
	Key         string        `json:"key"`
	Value       pmValue       `json:"value"`
	Disabled    bool          `json:"disabled"`
	Type        string        `json:"type"`
	Src         pmSrc         `json:"src"`
	ContentType string        `json:"contentType"`
	Description pmDescription `json:"description"`
}

// pmValue is a value as Postman writes it: a string, or a number or bool
// that is used as its text.
type pmValue string

func (v *pmValue) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*v = pmValue(s)
		return nil
	}
	if string(bytes.TrimSpace(data)) == "null" {
		*v = ""
		return nil
	}
	*v = pmValue(bytes.TrimSpace(data))
	return nil
}

// pmSrc is a form-data file: a path, or a list of paths.
type pmSrc []string

func (s *pmSrc) UnmarshalJSON(data []byte) error {
	var one string
	if json.Unmarshal(data, &one) == nil {
		if one != "" {
			*s = []string{one}
		}
		return nil
	}
	var list []string
	_ = json.Unmarshal(data, &list)
	*s = list
	return nil
}

// pmHeaders is a list of headers, or (v2.0) one string of "Name: value"
// lines.
type pmHeaders []pmKV

func (h *pmHeaders) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		var out []pmKV
		for _, line := range strings.Split(s, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if ok && strings.TrimSpace(k) != "" {
				out = append(out, pmKV{Key: strings.TrimSpace(k), Value: pmValue(strings.TrimSpace(v))})
			}
		}
		*h = out
		return nil
	}
	var list []pmKV
	if err := json.Unmarshal(data, &list); err != nil {
		return err
	}
	*h = list
	return nil
}

type pmBody struct {
	Mode       string        `json:"mode"`
	Raw        string        `json:"raw"`
	URLEncoded []pmKV        `json:"urlencoded"`
	FormData   []pmKV        `json:"formdata"`
	File       *pmFile       `json:"file"`
	GraphQL    *pmGraphQL    `json:"graphql"`
	Options    pmBodyOptions `json:"options"`
	Disabled   bool          `json:"disabled"`
}

type pmFile struct {
	Src     string `json:"src"`
	Content string `json:"content"`
}

type pmGraphQL struct {
	Query     string `json:"query"`
	Variables string `json:"variables"`
}

type pmBodyOptions struct {
	Raw struct {
		Language string `json:"language"`
	} `json:"raw"`
}

// pmAuth is an auth definition: its type and that type's parameters.
type pmAuth struct {
	Type   string
	Params map[string]string
	// order keeps the parameters in the order written, for messages.
	order []string
}

func (a *pmAuth) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	var typ string
	if t, ok := raw["type"]; ok {
		if err := json.Unmarshal(t, &typ); err != nil {
			return fmt.Errorf("auth type: %w", err)
		}
	}
	a.Type = typ
	a.Params = map[string]string{}
	params, ok := raw[typ]
	if !ok {
		return nil
	}
	// v2.1: a list of {key, value}; v2.0: an object.
	var list []pmKV
	if json.Unmarshal(params, &list) == nil {
		for _, kv := range list {
			a.Params[kv.Key] = string(kv.Value)
			a.order = append(a.order, kv.Key)
		}
		return nil
	}
	var m map[string]pmValue
	if err := json.Unmarshal(params, &m); err != nil {
		return fmt.Errorf("auth %s parameters: %w", typ, err)
	}
	for _, k := range sortedKeys(m) {
		a.Params[k] = string(m[k])
		a.order = append(a.order, k)
	}
	return nil
}

type pmEvent struct {
	Listen string   `json:"listen"`
	Script pmScript `json:"script"`
}

type pmScript struct {
	Exec pmLines `json:"exec"`
}

// pmLines is a script: a list of lines or one string.
type pmLines []string

func (l *pmLines) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*l = strings.Split(s, "\n")
		return nil
	}
	var list []string
	if err := json.Unmarshal(data, &list); err != nil {
		return err
	}
	// A list element may itself hold several lines.
	var out []string
	for _, e := range list {
		out = append(out, strings.Split(e, "\n")...)
	}
	*l = out
	return nil
}

type pmVariable struct {
	Key         string        `json:"key"`
	ID          string        `json:"id"`
	Value       pmValue       `json:"value"`
	Type        string        `json:"type"`
	Disabled    bool          `json:"disabled"`
	Description pmDescription `json:"description"`
}

func (v pmVariable) name() string {
	if v.Key != "" {
		return v.Key
	}
	return v.ID
}

// pmEnvironment is an exported Postman environment.
type pmEnvironment struct {
	Name   string `json:"name"`
	Values []struct {
		Key     string  `json:"key"`
		Value   pmValue `json:"value"`
		Type    string  `json:"type"`
		Enabled *bool   `json:"enabled"`
	} `json:"values"`
}
