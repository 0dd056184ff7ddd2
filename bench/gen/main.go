// Command gen writes equivalent benchmark collections for sigrun and the
// tools bench/run.sh compares it with. It is not part of sigrun.
//
//	gen -tool sigrun -workload independent -n 2000 -url http://127.0.0.1:PORT -out DIR
//
// Tools: sigrun (a folder of .hcl), newman (a Postman v2.1 collection with
// awsv4 auth), httpyac (one .http file with AWS auth), bruno (a Bruno
// collection folder of .bru files with awsv4 auth), curl (a -K config file
// for one curl process with --aws-sigv4).
//
// Workloads:
//
//	independent  N signed GETs of /items/I, none depending on another
//	chain        N signed GETs, each taking its path from the previous answer
//	fanout       one GET of /items/0, then N GETs that use its answer
//	upload       one signed PUT of -body-file (sigrun only)
//	download     one signed GET of -size bytes (sigrun only)
//
// Every tool signs with SigV4 for service execute-api in us-east-1 with the
// same static keys, and checks each answer's status (sigrun by default, the
// others with a test or assertion, unless -check=false).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The keys the target server accepts by default (see bench/target).
const (
	DefaultAccessKeyID     = "AKIASIGRUNBENCH00001"
	DefaultSecretAccessKey = "sigrun/bench/secret/not+a+real+aws+key0"
	Service                = "execute-api"
	Region                 = "us-east-1"
)

// Options describe one collection to write.
type Options struct {
	Tool     string // sigrun, newman, httpyac, bruno, curl
	Workload string // independent, chain, fanout, upload, download
	N        int
	URL      string // base URL, no trailing slash
	Out      string // a folder (sigrun, bruno) or a file (newman, httpyac, curl)
	// Count makes the sigrun collection use `count = N` on one request block
	// instead of N blocks (independent and fanout only).
	Count bool
	// Check adds a status check to the peers' requests (sigrun always
	// checks that the status is below 400).
	Check bool
	// BodyFile is the upload's file, relative to the collection folder.
	BodyFile string
	// Size is the download's size in bytes.
	Size int64

	AccessKeyID, SecretAccessKey string
}

var (
	tools     = []string{"sigrun", "newman", "httpyac", "bruno", "curl"}
	workloads = []string{"independent", "chain", "fanout", "upload", "download"}
)

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Validate checks the options.
func (o *Options) Validate() error {
	if !contains(tools, o.Tool) {
		return fmt.Errorf("-tool must be one of %s", strings.Join(tools, ", "))
	}
	if !contains(workloads, o.Workload) {
		return fmt.Errorf("-workload must be one of %s", strings.Join(workloads, ", "))
	}
	switch o.Workload {
	case "upload", "download":
		if o.Tool != "sigrun" {
			return fmt.Errorf("workload %s is generated for sigrun only", o.Workload)
		}
		if o.Workload == "upload" && o.BodyFile == "" {
			return errors.New("-workload upload needs -body-file")
		}
		if o.Workload == "download" && o.Size <= 0 {
			return errors.New("-workload download needs -size")
		}
	default:
		if o.N < 1 {
			return errors.New("-n must be at least 1")
		}
	}
	if o.Tool == "curl" && o.Workload != "independent" {
		return errors.New("curl runs the independent workload only: one curl process cannot take a path from an earlier answer")
	}
	if o.Count && o.Workload == "chain" {
		return errors.New("-count does not apply to a chain: each request refers to the one before")
	}
	if o.URL == "" || strings.HasSuffix(o.URL, "/") {
		return errors.New("-url must be a base URL without a trailing slash")
	}
	if o.Out == "" {
		return errors.New("-out is required")
	}
	if o.AccessKeyID == "" || o.SecretAccessKey == "" {
		return errors.New("the access key id and secret must not be empty")
	}
	return nil
}

// Total is the number of requests the collection sends.
func (o *Options) Total() int {
	switch o.Workload {
	case "fanout":
		return o.N + 1
	case "upload", "download":
		return 1
	}
	return o.N
}

// step is one request of a workload, tool-independent: its name, and its
// path either fixed or built from an earlier request's answer.
type step struct {
	name   string
	path   string // fixed path, when ref == ""
	ref    string // the name of the request whose answer's "next" it uses
	suffix string // appended after /items/<ref.next>
}

func (o *Options) steps() []step {
	var s []step
	switch o.Workload {
	case "independent":
		for i := 0; i < o.N; i++ {
			s = append(s, step{name: fmt.Sprintf("r%d", i), path: fmt.Sprintf("/items/%d", i)})
		}
	case "chain":
		s = append(s, step{name: "r0", path: "/items/0"})
		for i := 1; i < o.N; i++ {
			s = append(s, step{name: fmt.Sprintf("r%d", i), ref: fmt.Sprintf("r%d", i-1)})
		}
	case "fanout":
		s = append(s, step{name: "root", path: "/items/0"})
		for i := 0; i < o.N; i++ {
			s = append(s, step{name: fmt.Sprintf("f%d", i), ref: "root", suffix: fmt.Sprintf("/children/%d", i)})
		}
	}
	return s
}

// Write writes the collection.
func Write(o Options) error {
	if err := o.Validate(); err != nil {
		return err
	}
	switch o.Tool {
	case "sigrun":
		return writeSigrun(o)
	case "newman":
		return writeNewman(o)
	case "httpyac":
		return writeHttpyac(o)
	case "bruno":
		return writeBruno(o)
	case "curl":
		return writeCurl(o)
	}
	return nil
}

func hclString(s string) string {
	b, _ := json.Marshal(s) // HCL's quoted strings take JSON's escapes...
	// ...but ${ and %{ start templates in HCL.
	r := strings.ReplaceAll(string(b), "${", "$${")
	return strings.ReplaceAll(r, "%{", "%%{")
}

func writeSigrun(o Options) error {
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, `# Generated by bench/gen: %s workload, %d requests.

variable "base_url" {
  type    = string
  default = %s
}

credentials "bench" {
  access_key_id     = %s
  secret_access_key = %s
}

endpoint "api" {
  url = var.base_url

  auth "aws_sigv4" {
    credentials = credentials.bench
    service     = %q
    region      = %q
  }
}
`, o.Workload, o.Total(), hclString(o.URL), hclString(o.AccessKeyID), hclString(o.SecretAccessKey), Service, Region)
	if err := os.WriteFile(filepath.Join(o.Out, "main.hcl"), []byte(b.String()), 0o644); err != nil {
		return err
	}

	b.Reset()
	switch {
	case o.Workload == "upload":
		fmt.Fprintf(&b, "request \"upload\" {\n  endpoint  = endpoint.api\n  method    = \"PUT\"\n  path      = \"/upload\"\n  body_file = %s\n}\n", hclString(o.BodyFile))
	case o.Workload == "download":
		fmt.Fprintf(&b, "request \"download\" {\n  endpoint = endpoint.api\n  path     = \"/download/%d\"\n}\n", o.Size)
	case o.Count && o.Workload == "independent":
		fmt.Fprintf(&b, "request \"r\" {\n  count    = %d\n  endpoint = endpoint.api\n  path     = \"/items/${count.index}\"\n}\n", o.N)
	case o.Count && o.Workload == "fanout":
		b.WriteString("request \"root\" {\n  endpoint = endpoint.api\n  path     = \"/items/0\"\n}\n\n")
		fmt.Fprintf(&b, "request \"f\" {\n  count    = %d\n  endpoint = endpoint.api\n  path     = \"/items/${request.root.response.json.next}/children/${count.index}\"\n}\n", o.N)
	default:
		for i, s := range o.steps() {
			if i > 0 {
				b.WriteByte('\n')
			}
			if s.ref == "" {
				fmt.Fprintf(&b, "request %q {\n  endpoint = endpoint.api\n  path     = %q\n}\n", s.name, s.path)
			} else {
				fmt.Fprintf(&b, "request %q {\n  endpoint = endpoint.api\n  path     = \"/items/${request.%s.response.json.next}%s\"\n}\n", s.name, s.ref, s.suffix)
			}
		}
	}
	return os.WriteFile(filepath.Join(o.Out, "requests.hcl"), []byte(b.String()), 0o644)
}

// Postman collection v2.1, the subset used here.
type pmKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Type  string `json:"type,omitempty"`
}

type pmEvent struct {
	Listen string `json:"listen"`
	Script struct {
		Type string   `json:"type"`
		Exec []string `json:"exec"`
	} `json:"script"`
}

type pmItem struct {
	Name    string `json:"name"`
	Request struct {
		Method string `json:"method"`
		URL    string `json:"url"`
	} `json:"request"`
	Event []pmEvent `json:"event,omitempty"`
}

type pmCollection struct {
	Info struct {
		Name   string `json:"name"`
		Schema string `json:"schema"`
	} `json:"info"`
	Auth struct {
		Type  string `json:"type"`
		AWSv4 []pmKV `json:"awsv4"`
	} `json:"auth"`
	Variable []pmKV   `json:"variable"`
	Item     []pmItem `json:"item"`
}

func writeNewman(o Options) error {
	var c pmCollection
	c.Info.Name = "sigrun bench: " + o.Workload
	c.Info.Schema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
	c.Auth.Type = "awsv4"
	c.Auth.AWSv4 = []pmKV{
		{Key: "accessKey", Value: o.AccessKeyID, Type: "string"},
		{Key: "secretKey", Value: o.SecretAccessKey, Type: "string"},
		{Key: "region", Value: Region, Type: "string"},
		{Key: "service", Value: Service, Type: "string"},
	}
	c.Variable = []pmKV{{Key: "base_url", Value: o.URL, Type: "string"}}
	for _, s := range o.steps() {
		var it pmItem
		it.Name = s.name
		it.Request.Method = "GET"
		if s.ref == "" {
			it.Request.URL = "{{base_url}}" + s.path
		} else {
			it.Request.URL = "{{base_url}}/items/{{" + s.ref + "_next}}" + s.suffix
		}
		var exec []string
		if o.Check {
			exec = append(exec, `pm.test("status is 200", function () { pm.response.to.have.status(200); });`)
		}
		if o.Workload == "chain" || (o.Workload == "fanout" && s.ref == "") {
			exec = append(exec, fmt.Sprintf(`pm.collectionVariables.set(%q, String(pm.response.json().next));`, s.name+"_next"))
		}
		if len(exec) > 0 {
			var e pmEvent
			e.Listen = "test"
			e.Script.Type = "text/javascript"
			e.Script.Exec = exec
			it.Event = []pmEvent{e}
		}
		c.Item = append(c.Item, it)
	}
	return writeJSONFile(o.Out, c)
}

func writeJSONFile(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func writeHttpyac(o Options) error {
	if err := os.MkdirAll(filepath.Dir(o.Out), 0o755); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Generated by bench/gen: %s workload, %d requests.\n@base_url = %s\n\n", o.Workload, o.Total(), o.URL)
	auth := fmt.Sprintf("Authorization: AWS %s %s region:%s service:%s\n", o.AccessKeyID, o.SecretAccessKey, Region, Service)
	for i, s := range o.steps() {
		if i > 0 {
			b.WriteString("###\n\n")
		}
		fmt.Fprintf(&b, "# @name %s\n", s.name)
		if s.ref == "" {
			fmt.Fprintf(&b, "GET {{base_url}}%s\n", s.path)
		} else {
			fmt.Fprintf(&b, "# @ref %s\nGET {{base_url}}/items/{{%s.next}}%s\n", s.ref, s.ref, s.suffix)
		}
		b.WriteString(auth)
		if o.Check {
			b.WriteString("\n?? status == 200\n")
		}
		b.WriteString("\n")
	}
	return os.WriteFile(o.Out, []byte(b.String()), 0o644)
}

func writeBruno(o Options) error {
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}
	bj := map[string]any{"version": "1", "name": "sigrun-bench-" + o.Workload, "type": "collection", "ignore": []string{"node_modules", ".git"}}
	if err := writeJSONFile(filepath.Join(o.Out, "bruno.json"), bj); err != nil {
		return err
	}
	for i, s := range o.steps() {
		var b strings.Builder
		fmt.Fprintf(&b, "meta {\n  name: %s\n  type: http\n  seq: %d\n}\n\n", s.name, i+1)
		url := "{{base_url}}" + s.path
		if s.ref != "" {
			url = "{{base_url}}/items/{{" + s.ref + "_next}}" + s.suffix
		}
		fmt.Fprintf(&b, "get {\n  url: %s\n  body: none\n  auth: awsv4\n}\n\n", url)
		fmt.Fprintf(&b, "auth:awsv4 {\n  accessKeyId: %s\n  secretAccessKey: %s\n  sessionToken: \n  service: %s\n  region: %s\n  profileName: \n}\n\n",
			o.AccessKeyID, o.SecretAccessKey, Service, Region)
		if o.Check {
			b.WriteString("assert {\n  res.status: eq 200\n}\n\n")
		}
		if o.Workload == "chain" || (o.Workload == "fanout" && s.ref == "") {
			fmt.Fprintf(&b, "vars:post-response {\n  %s_next: res.body.next\n}\n", s.name)
		}
		// Zero-padded names keep the files in run order for any sort.
		name := fmt.Sprintf("%06d-%s.bru", i+1, s.name)
		if err := os.WriteFile(filepath.Join(o.Out, name), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	env := fmt.Sprintf("vars {\n  base_url: %s\n}\n", o.URL)
	if err := os.MkdirAll(filepath.Join(o.Out, "environments"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(o.Out, "environments", "bench.bru"), []byte(env), 0o644)
}

// curlQuote quotes a value for a curl config file.
func curlQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

func writeCurl(o Options) error {
	if err := os.MkdirAll(filepath.Dir(o.Out), 0o755); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Generated by bench/gen: %s workload, %d requests.\n# curl -Z --parallel-max P -K THIS_FILE\n", o.Workload, o.Total())
	fmt.Fprintf(&b, "aws-sigv4 = %s\n", curlQuote("aws:amz:"+Region+":"+Service))
	fmt.Fprintf(&b, "user = %s\n", curlQuote(o.AccessKeyID+":"+o.SecretAccessKey))
	b.WriteString("silent\nshow-error\n")
	if o.Check {
		b.WriteString("fail\n")
	}
	for _, s := range o.steps() {
		fmt.Fprintf(&b, "url = %s\noutput = \"/dev/null\"\n", curlQuote(o.URL+s.path))
	}
	return os.WriteFile(o.Out, []byte(b.String()), 0o644)
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.StringVar(&o.Tool, "tool", "sigrun", "sigrun, newman, httpyac, bruno or curl")
	fs.StringVar(&o.Workload, "workload", "independent", "independent, chain, fanout, upload or download")
	fs.IntVar(&o.N, "n", 2000, "number of requests (fanout: N after the first)")
	fs.StringVar(&o.URL, "url", "", "the target's base URL, e.g. http://127.0.0.1:8080")
	fs.StringVar(&o.Out, "out", "", "output folder (sigrun, bruno) or file (newman, httpyac, curl)")
	fs.BoolVar(&o.Count, "count", false, "sigrun: one request block with `count = N` instead of N blocks")
	fs.BoolVar(&o.Check, "check", true, "peers: check each answer's status as sigrun does")
	fs.StringVar(&o.BodyFile, "body-file", "", "upload: the file to send, relative to the collection folder")
	fs.Int64Var(&o.Size, "size", 0, "download: the size in bytes")
	fs.StringVar(&o.AccessKeyID, "access-key-id", DefaultAccessKeyID, "access key id")
	fs.StringVar(&o.SecretAccessKey, "secret-access-key", DefaultSecretAccessKey, "secret access key")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return Write(o)
}

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gen:", err)
		}
		os.Exit(2)
	}
}
