package dsl

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

func checkName(kind string, block *hcl.Block) hcl.Diagnostics {
	name := block.Labels[0]
	if validName(name) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Invalid %s name", kind),
		Detail: fmt.Sprintf("%q is not a valid name. A name starts with a letter or underscore and may contain "+
			"only letters, digits, underscores and dashes.", name),
		Subject: block.LabelRanges[0].Ptr(),
	}}
}

func exprOrNil(content *hcl.BodyContent, name string) hcl.Expression {
	if attr, ok := content.Attributes[name]; ok {
		return attr.Expr
	}
	return nil
}

// decodeLiteralString decodes an argument that must be a constant string
// (a description, say): references are not allowed there.
func decodeLiteralString(attr *hcl.Attribute, target *string) hcl.Diagnostics {
	return gohcl.DecodeExpression(attr.Expr, nil, target)
}

var variableBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var checkRuleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

var assertBlockSchema = &hcl.BodySchema{
	Attributes: append([]hcl.AttributeSchema{{Name: "severity"}}, checkRuleSchema.Attributes...),
}

func decodeVariableBlock(block *hcl.Block) (*Variable, hcl.Diagnostics) {
	diags := checkName("variable", block)
	v := &Variable{Name: block.Labels[0], Type: cty.DynamicPseudoType, DeclRange: block.DefRange}
	content, moreDiags := bodyContent(block.Body, variableBlockSchema)
	diags = append(diags, moreDiags...)

	if attr, ok := content.Attributes["type"]; ok {
		ty, defaults, moreDiags := typeexpr.TypeConstraintWithDefaults(attr.Expr)
		diags = append(diags, moreDiags...)
		if !moreDiags.HasErrors() {
			v.Type = ty
			v.TypeDefaults = defaults
			// As in Terraform, values given as text are parsed as HCL for
			// any declared type but string, explicit "any" included.
			v.ParseHCL = ty != cty.String
		}
	}
	if attr, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeLiteralString(attr, &v.Description)...)
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.Sensitive)...)
	}
	if attr, ok := content.Attributes["default"]; ok {
		val, moreDiags := attr.Expr.Value(nil)
		if moreDiags.HasErrors() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid default value",
				Detail:   "A variable's default must be a literal value: it cannot refer to other objects or call functions.",
				Subject:  attr.Expr.Range().Ptr(),
			})
		} else {
			if v.TypeDefaults != nil {
				val = v.TypeDefaults.Apply(val)
			}
			conv, err := convert.Convert(val, v.Type)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid default value for variable",
					Detail:   fmt.Sprintf("This default value does not fit the variable's type: %s.", err),
					Subject:  attr.Expr.Range().Ptr(),
				})
			} else {
				v.Default = conv
			}
		}
	}
	for _, b := range content.Blocks {
		rule, moreDiags := decodeCheckRule(b)
		diags = append(diags, moreDiags...)
		if rule != nil {
			v.Validations = append(v.Validations, rule)
		}
	}
	return v, diags
}

func decodeCheckRule(block *hcl.Block) (*CheckRule, hcl.Diagnostics) {
	schema := checkRuleSchema
	if block.Type == "assert" {
		schema = assertBlockSchema
	}
	content, diags := bodyContent(block.Body, schema)
	if diags.HasErrors() {
		return nil, diags
	}
	return &CheckRule{
		Condition:    content.Attributes["condition"].Expr,
		ErrorMessage: content.Attributes["error_message"].Expr,
		Severity:     exprOrNil(content, "severity"),
		DeclRange:    block.DefRange,
	}, diags
}

func decodeLocalsBlock(block *hcl.Block) ([]*Local, hcl.Diagnostics) {
	attrs, diags := block.Body.JustAttributes()
	locals := make([]*Local, 0, len(attrs))
	for _, attr := range sortedAttributes(attrs) {
		if !validName(attr.Name) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid local value name",
				Detail:   fmt.Sprintf("%q is not a valid name.", attr.Name),
				Subject:  attr.NameRange.Ptr(),
			})
			continue
		}
		locals = append(locals, &Local{Name: attr.Name, Expr: attr.Expr, DeclRange: attr.Range})
	}
	return locals, diags
}

var credentialsBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "profile"},
		{Name: "region"},
		{Name: "shared_config_files"},
		{Name: "shared_credentials_files"},
		{Name: "access_key_id"},
		{Name: "secret_access_key"},
		{Name: "session_token"},
		{Name: "sts_endpoint"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "assume_role"}, {Type: "web_identity"}},
}

var assumeRoleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "role_arn", Required: true},
		{Name: "external_id"},
		{Name: "session_name"},
		{Name: "duration"},
		{Name: "source"},
	},
}

var webIdentitySchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "role_arn"},
		{Name: "token_file"},
		{Name: "session_name"},
	},
}

var tlsBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "ca_file"},
		{Name: "client_cert"},
		{Name: "client_key"},
		{Name: "insecure"},
	},
}

func decodeCredentialsBlock(block *hcl.Block) (*Credentials, hcl.Diagnostics) {
	diags := checkName("credentials", block)
	content, moreDiags := bodyContent(block.Body, credentialsBlockSchema)
	diags = append(diags, moreDiags...)
	c := &Credentials{
		Name:                   block.Labels[0],
		Profile:                exprOrNil(content, "profile"),
		Region:                 exprOrNil(content, "region"),
		SharedConfigFiles:      exprOrNil(content, "shared_config_files"),
		SharedCredentialsFiles: exprOrNil(content, "shared_credentials_files"),
		AccessKeyID:            exprOrNil(content, "access_key_id"),
		SecretAccessKey:        exprOrNil(content, "secret_access_key"),
		SessionToken:           exprOrNil(content, "session_token"),
		STSEndpoint:            exprOrNil(content, "sts_endpoint"),
		DeclRange:              block.DefRange,
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "assume_role":
			if c.AssumeRole != nil {
				diags = append(diags, duplicateBlockDiag("assume_role", b))
				continue
			}
			bc, moreDiags := bodyContent(b.Body, assumeRoleSchema)
			diags = append(diags, moreDiags...)
			ar := &AssumeRole{
				RoleARN:     exprOrNil(bc, "role_arn"),
				ExternalID:  exprOrNil(bc, "external_id"),
				SessionName: exprOrNil(bc, "session_name"),
				Duration:    exprOrNil(bc, "duration"),
				DeclRange:   b.DefRange,
			}
			if attr, ok := bc.Attributes["source"]; ok {
				ref, moreDiags := decodeStaticRef(attr, "credentials")
				diags = append(diags, moreDiags...)
				ar.Source = ref
				if ref != nil && ref.Name == c.Name {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Self-referential credentials",
						Detail:   "An assume_role's source names another credentials block, the identity that assumes the role.",
						Subject:  ref.Range.Ptr(),
					})
				}
			}
			c.AssumeRole = ar
		case "web_identity":
			if c.WebIdentity != nil {
				diags = append(diags, duplicateBlockDiag("web_identity", b))
				continue
			}
			bc, moreDiags := bodyContent(b.Body, webIdentitySchema)
			diags = append(diags, moreDiags...)
			c.WebIdentity = &WebIdentity{
				RoleARN:     exprOrNil(bc, "role_arn"),
				TokenFile:   exprOrNil(bc, "token_file"),
				SessionName: exprOrNil(bc, "session_name"),
				DeclRange:   b.DefRange,
			}
		}
	}
	if c.AssumeRole != nil && c.AssumeRole.Source != nil && (c.AccessKeyID != nil || c.Profile != nil || c.WebIdentity != nil) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting credential sources",
			Detail:   "An assume_role with a source takes its base identity from that credentials block; this block cannot also set static keys, a profile or web_identity.",
			Subject:  c.AssumeRole.Source.Range.Ptr(),
		})
	}
	if (c.AccessKeyID == nil) != (c.SecretAccessKey == nil) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Incomplete static credentials",
			Detail:   "Static credentials need both access_key_id and secret_access_key.",
			Subject:  block.DefRange.Ptr(),
		})
	}
	if c.AccessKeyID == nil && c.SessionToken != nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Session token without static keys",
			Detail:   "session_token goes with access_key_id and secret_access_key.",
			Subject:  content.Attributes["session_token"].NameRange.Ptr(),
		})
	}
	if c.AccessKeyID != nil && c.Profile != nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting credential sources",
			Detail:   "A credentials block takes either a profile or static keys, not both.",
			Subject:  content.Attributes["profile"].NameRange.Ptr(),
		})
	}
	return c, diags
}

var endpointBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "url", Required: true},
		{Name: "headers"},
		{Name: "timeout"},
		{Name: "max_body_size"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "auth", LabelNames: []string{"type"}}, {Type: "tls"}},
}

func decodeEndpointBlock(block *hcl.Block) (*Endpoint, hcl.Diagnostics) {
	diags := checkName("endpoint", block)
	content, moreDiags := bodyContent(block.Body, endpointBlockSchema)
	diags = append(diags, moreDiags...)
	e := &Endpoint{
		Name:        block.Labels[0],
		URL:         exprOrNil(content, "url"),
		Headers:     exprOrNil(content, "headers"),
		Timeout:     exprOrNil(content, "timeout"),
		MaxBodySize: exprOrNil(content, "max_body_size"),
		DeclRange:   block.DefRange,
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "tls":
			if e.TLS != nil {
				diags = append(diags, duplicateBlockDiag("tls", b))
				continue
			}
			tc, moreDiags := bodyContent(b.Body, tlsBlockSchema)
			diags = append(diags, moreDiags...)
			e.TLS = &TLS{
				CAFile:     exprOrNil(tc, "ca_file"),
				ClientCert: exprOrNil(tc, "client_cert"),
				ClientKey:  exprOrNil(tc, "client_key"),
				Insecure:   exprOrNil(tc, "insecure"),
				DeclRange:  b.DefRange,
			}
			if (e.TLS.ClientCert == nil) != (e.TLS.ClientKey == nil) {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Incomplete client certificate",
					Detail:   "Mutual TLS needs both client_cert and client_key.",
					Subject:  b.DefRange.Ptr(),
				})
			}
		default:
			if e.Auth != nil {
				diags = append(diags, duplicateBlockDiag("auth", b))
				continue
			}
			a, moreDiags := decodeAuthBlock(b)
			diags = append(diags, moreDiags...)
			e.Auth = a
		}
	}
	return e, diags
}

func duplicateBlockDiag(kind string, b *hcl.Block) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Duplicate %s block", kind),
		Detail:   fmt.Sprintf("Only one %s block is allowed here.", kind),
		Subject:  b.DefRange.Ptr(),
	}
}

var authSchemas = map[string]*hcl.BodySchema{
	AuthSigV4: {Attributes: []hcl.AttributeSchema{
		{Name: "credentials"}, {Name: "service"}, {Name: "region"}, {Name: "unsigned_payload"},
	}},
	AuthBearer: {Attributes: []hcl.AttributeSchema{{Name: "token", Required: true}}},
	AuthBasic: {Attributes: []hcl.AttributeSchema{
		{Name: "username", Required: true}, {Name: "password", Required: true},
	}},
	AuthAPIKey: {Attributes: []hcl.AttributeSchema{
		{Name: "name", Required: true}, {Name: "value", Required: true}, {Name: "in"},
	}},
	AuthNone: {},
}

var authTypeNames = []string{AuthAPIKey, AuthSigV4, AuthBasic, AuthBearer, AuthNone}

func decodeAuthBlock(block *hcl.Block) (*Auth, hcl.Diagnostics) {
	typ := block.Labels[0]
	schema, ok := authSchemas[typ]
	if !ok {
		detail := fmt.Sprintf("sigrun knows the auth types %s.", quotedList(authTypeNames))
		if s := nameSuggestion(typ, authTypeNames); s != "" {
			detail = fmt.Sprintf("Did you mean %q? ", s) + detail
		}
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unknown auth type",
			Detail:   detail,
			Subject:  block.LabelRanges[0].Ptr(),
		}}
	}
	content, diags := bodyContent(block.Body, schema)
	a := &Auth{
		Type:            typ,
		Service:         exprOrNil(content, "service"),
		Region:          exprOrNil(content, "region"),
		UnsignedPayload: exprOrNil(content, "unsigned_payload"),
		Token:           exprOrNil(content, "token"),
		Username:        exprOrNil(content, "username"),
		Password:        exprOrNil(content, "password"),
		Name:            exprOrNil(content, "name"),
		Value:           exprOrNil(content, "value"),
		In:              exprOrNil(content, "in"),
		DeclRange:       block.DefRange,
		TypeRange:       block.LabelRanges[0],
	}
	if attr, ok := content.Attributes["credentials"]; ok {
		ref, moreDiags := decodeStaticRef(attr, "credentials")
		diags = append(diags, moreDiags...)
		a.Credentials = ref
	}
	return a, diags
}

// decodeStaticRef decodes an argument written as KIND.NAME.
func decodeStaticRef(attr *hcl.Attribute, kind string) (*StaticRef, hcl.Diagnostics) {
	bad := func() hcl.Diagnostics {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Invalid %s reference", kind),
			Detail:   fmt.Sprintf("The %s argument takes a reference written as %s.NAME, without quotes.", attr.Name, kind),
			Subject:  attr.Expr.Range().Ptr(),
		}}
	}
	trav, diags := hcl.AbsTraversalForExpr(attr.Expr)
	if diags.HasErrors() || len(trav) != 2 || trav.RootName() != kind {
		return nil, bad()
	}
	step, ok := trav[1].(hcl.TraverseAttr)
	if !ok {
		return nil, bad()
	}
	return &StaticRef{Name: step.Name, Range: trav.SourceRange()}, nil
}

var requestBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "for_each"},
		{Name: "count"},
		{Name: "endpoint"},
		{Name: "method"},
		{Name: "path"},
		{Name: "url"},
		{Name: "query"},
		{Name: "headers"},
		{Name: "body"},
		{Name: "json"},
		{Name: "form"},
		{Name: "body_file"},
		{Name: "timeout"},
		{Name: "max_body_size"},
		{Name: "tags"},
		{Name: "depends_on"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "auth", LabelNames: []string{"type"}},
		{Type: "expect"},
		{Type: "assert"},
		{Type: "retry"},
		{Type: "multipart"},
	},
}

var bodyArguments = []string{"body", "json", "form", "body_file"}

var multipartBlockSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "field", LabelNames: []string{"name"}},
		{Type: "file", LabelNames: []string{"name"}},
	},
}

var multipartFieldSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "value", Required: true}, {Name: "content_type"}},
}

var multipartFileSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "path", Required: true}, {Name: "filename"}, {Name: "content_type"}},
}

func decodeMultipartBlock(block *hcl.Block) (*Multipart, hcl.Diagnostics) {
	content, diags := bodyContent(block.Body, multipartBlockSchema)
	m := &Multipart{DeclRange: block.DefRange}
	for _, b := range content.Blocks {
		part := &MultipartPart{File: b.Type == "file", Name: b.Labels[0], DeclRange: b.DefRange}
		schema := multipartFieldSchema
		if part.File {
			schema = multipartFileSchema
		}
		pc, moreDiags := bodyContent(b.Body, schema)
		diags = append(diags, moreDiags...)
		part.Value = exprOrNil(pc, "value")
		part.Path = exprOrNil(pc, "path")
		part.Filename = exprOrNil(pc, "filename")
		part.ContentType = exprOrNil(pc, "content_type")
		m.Parts = append(m.Parts, part)
	}
	if len(m.Parts) == 0 {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Empty multipart block",
			Detail:   "A multipart block needs at least one field or file block.",
			Subject:  block.DefRange.Ptr(),
		})
	}
	return m, diags
}

func decodeRequestBlock(block *hcl.Block) (*Request, hcl.Diagnostics) {
	diags := checkName("request", block)
	content, moreDiags := bodyContent(block.Body, requestBlockSchema)
	diags = append(diags, moreDiags...)
	r := &Request{
		Name:        block.Labels[0],
		ForEach:     exprOrNil(content, "for_each"),
		Count:       exprOrNil(content, "count"),
		Method:      exprOrNil(content, "method"),
		Path:        exprOrNil(content, "path"),
		URL:         exprOrNil(content, "url"),
		Query:       exprOrNil(content, "query"),
		Headers:     exprOrNil(content, "headers"),
		Body:        exprOrNil(content, "body"),
		JSON:        exprOrNil(content, "json"),
		Form:        exprOrNil(content, "form"),
		BodyFile:    exprOrNil(content, "body_file"),
		Timeout:     exprOrNil(content, "timeout"),
		MaxBodySize: exprOrNil(content, "max_body_size"),
		Tags:        exprOrNil(content, "tags"),
		DeclRange:   block.DefRange,
	}
	if attr, ok := content.Attributes["endpoint"]; ok {
		ref, moreDiags := decodeStaticRef(attr, "endpoint")
		diags = append(diags, moreDiags...)
		r.Endpoint = ref
	}
	if attr, ok := content.Attributes["depends_on"]; ok {
		deps, moreDiags := decodeDependsOn(attr)
		diags = append(diags, moreDiags...)
		r.DependsOn = deps
	}

	// Exactly one way to give a body.
	var bodyAttr *hcl.Attribute
	for _, name := range bodyArguments {
		attr, ok := content.Attributes[name]
		if !ok {
			continue
		}
		if bodyAttr != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Conflicting body arguments",
				Detail: fmt.Sprintf("A request takes one of body, json, form or body_file; this one has both %s (line %d) and %s.",
					bodyAttr.Name, bodyAttr.NameRange.Start.Line, attr.Name),
				Subject: attr.NameRange.Ptr(),
			})
			continue
		}
		bodyAttr = attr
	}
	if r.ForEach != nil && r.Count != nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting for_each and count",
			Detail:   "A request takes for_each or count, not both.",
			Subject:  content.Attributes["count"].NameRange.Ptr(),
		})
	}
	if r.Path != nil && r.URL != nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting path and url",
			Detail:   "A request takes either a path (joined to its endpoint's url) or an absolute url, not both.",
			Subject:  content.Attributes["url"].NameRange.Ptr(),
		})
	}
	if r.URL == nil && content.Attributes["endpoint"] == nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Request has no target",
			Detail:   fmt.Sprintf("Request %q needs an endpoint (endpoint = endpoint.NAME, with a path) or an absolute url.", r.Name),
			Subject:  block.DefRange.Ptr(),
		})
	}

	for _, b := range content.Blocks {
		switch b.Type {
		case "auth":
			if r.Auth != nil {
				diags = append(diags, duplicateBlockDiag("auth", b))
				continue
			}
			a, moreDiags := decodeAuthBlock(b)
			diags = append(diags, moreDiags...)
			r.Auth = a
		case "expect":
			if r.Expect != nil {
				diags = append(diags, duplicateBlockDiag("expect", b))
				continue
			}
			e, moreDiags := decodeExpectBlock(b)
			diags = append(diags, moreDiags...)
			r.Expect = e
		case "assert":
			rule, moreDiags := decodeCheckRule(b)
			diags = append(diags, moreDiags...)
			if rule != nil {
				r.Asserts = append(r.Asserts, rule)
			}
		case "multipart":
			if r.Multipart != nil {
				diags = append(diags, duplicateBlockDiag("multipart", b))
				continue
			}
			if bodyAttr != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Conflicting body arguments",
					Detail: fmt.Sprintf("A request takes one of body, json, form, body_file or a multipart block; this one has both %s (line %d) and a multipart block.",
						bodyAttr.Name, bodyAttr.NameRange.Start.Line),
					Subject: b.DefRange.Ptr(),
				})
				continue
			}
			m, moreDiags := decodeMultipartBlock(b)
			diags = append(diags, moreDiags...)
			r.Multipart = m
		case "retry":
			if r.Retry != nil {
				diags = append(diags, duplicateBlockDiag("retry", b))
				continue
			}
			rt, moreDiags := decodeRetryBlock(b)
			diags = append(diags, moreDiags...)
			r.Retry = rt
		}
	}
	return r, diags
}

func decodeDependsOn(attr *hcl.Attribute) ([]hcl.Traversal, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(attr.Expr)
	var out []hcl.Traversal
	for _, e := range exprs {
		trav, moreDiags := hcl.AbsTraversalForExpr(e)
		name, ok := "", false
		if !moreDiags.HasErrors() && trav.RootName() == "request" && len(trav) == 2 {
			switch step := trav[1].(type) {
			case hcl.TraverseAttr:
				name, ok = step.Name, true
			case hcl.TraverseIndex:
				// request["a"] is request.a written as an index.
				if step.Key.Type() == cty.String && step.Key.IsKnown() && !step.Key.IsNull() {
					name, ok = step.Key.AsString(), true
				}
			}
		}
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid depends_on reference",
				Detail:   "depends_on lists requests as request.NAME, without quotes.",
				Subject:  e.Range().Ptr(),
			})
			continue
		}
		// Normalised to request.NAME, so that users of the traversal can
		// rely on its shape.
		out = append(out, hcl.Traversal{
			trav[0],
			hcl.TraverseAttr{Name: name, SrcRange: trav[1].SourceRange()},
		})
	}
	return out, diags
}

var expectBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "status"},
		{Name: "headers"},
		{Name: "json"},
		{Name: "body_contains"},
		{Name: "body_matches"},
		{Name: "json_schema"},
		{Name: "max_duration"},
	},
}

func decodeExpectBlock(block *hcl.Block) (*Expect, hcl.Diagnostics) {
	content, diags := bodyContent(block.Body, expectBlockSchema)
	return &Expect{
		Status:       exprOrNil(content, "status"),
		Headers:      exprOrNil(content, "headers"),
		JSON:         exprOrNil(content, "json"),
		BodyContains: exprOrNil(content, "body_contains"),
		BodyMatches:  exprOrNil(content, "body_matches"),
		JSONSchema:   exprOrNil(content, "json_schema"),
		MaxDuration:  exprOrNil(content, "max_duration"),
		DeclRange:    block.DefRange,
	}, diags
}

var retryBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "attempts", Required: true},
		{Name: "interval"},
		{Name: "backoff"},
		{Name: "max_interval"},
		{Name: "until"},
	},
}

func decodeRetryBlock(block *hcl.Block) (*Retry, hcl.Diagnostics) {
	content, diags := bodyContent(block.Body, retryBlockSchema)
	return &Retry{
		Attempts:    exprOrNil(content, "attempts"),
		Interval:    exprOrNil(content, "interval"),
		Backoff:     exprOrNil(content, "backoff"),
		MaxInterval: exprOrNil(content, "max_interval"),
		Until:       exprOrNil(content, "until"),
		DeclRange:   block.DefRange,
	}, diags
}

var outputBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "value", Required: true},
		{Name: "description"},
		{Name: "sensitive"},
	},
}

func decodeOutputBlock(block *hcl.Block) (*Output, hcl.Diagnostics) {
	diags := checkName("output", block)
	content, moreDiags := bodyContent(block.Body, outputBlockSchema)
	diags = append(diags, moreDiags...)
	o := &Output{Name: block.Labels[0], Value: exprOrNil(content, "value"), DeclRange: block.DefRange}
	if attr, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeLiteralString(attr, &o.Description)...)
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &o.Sensitive)...)
	}
	return o, diags
}

func decodeModuleBlock(block *hcl.Block) (*ModuleCall, hcl.Diagnostics) {
	diags := checkName("module", block)
	attrs, moreDiags := block.Body.JustAttributes()
	diags = append(diags, moreDiags...)
	m := &ModuleCall{Name: block.Labels[0], DeclRange: block.DefRange}
	src, ok := attrs["source"]
	if !ok {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing required argument",
			Detail:   "A module block needs a source: the module's folder, as a path starting with ./ or ../.",
			Subject:  block.DefRange.Ptr(),
		})
	}
	moreDiags = gohcl.DecodeExpression(src.Expr, nil, &m.Source)
	diags = append(diags, moreDiags...)
	m.SourceRange = src.Expr.Range()
	if !moreDiags.HasErrors() && !strings.HasPrefix(m.Source, "./") && !strings.HasPrefix(m.Source, "../") {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid module source",
			Detail:   fmt.Sprintf("A module's source is a local folder written as a relative path starting with ./ or ../, not %q.", m.Source),
			Subject:  src.Expr.Range().Ptr(),
		})
	}
	for _, a := range sortedAttributes(attrs) {
		if a.Name != "source" {
			m.Inputs = append(m.Inputs, a)
		}
	}
	return m, diags
}
