package signer

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The SDK's AWS clients name an error they cannot parse "UnknownError".
// STS-compatible servers (moto, private STS endpoints) sometimes answer
// with another XML shape (<ErrorResponse><Errors><Error>…), so that a
// refused AssumeRole would read "api error UnknownError: UnknownError".
// serverErrors keeps the body of an error answer and, when the SDK could
// not parse it, reports the server's own <Code> and <Message>.
func serverErrors(stack *middleware.Stack) error {
	if err := stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("sigrunKeepErrorBody",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp.StatusCode >= 300 && resp.Body != nil {
				data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
				resp.Body.Close()
				resp.Body = &keptBody{Reader: bytes.NewReader(data), data: data}
			}
			return out, md, err
		}), middleware.After); err != nil {
		return err
	}
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("sigrunExplainUnknownError",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			var api smithy.APIError
			if err == nil || !errors.As(err, &api) || api.ErrorCode() != "UnknownError" {
				return out, md, err
			}
			resp, ok := out.RawResponse.(*smithyhttp.Response)
			if !ok {
				return out, md, err
			}
			kept, ok := resp.Body.(*keptBody)
			if !ok {
				return out, md, err
			}
			if code, msg := xmlCodeMessage(kept.data); code != "" {
				err = &ServerError{Code: code, Message: msg, StatusCode: resp.StatusCode, Err: err}
			}
			return out, md, err
		}), middleware.Before)
}

type keptBody struct {
	*bytes.Reader
	data []byte
}

func (*keptBody) Close() error { return nil }

// xmlCodeMessage finds the first <Code> and <Message> in an XML error body.
func xmlCodeMessage(body []byte) (code, msg string) {
	d := xml.NewDecoder(bytes.NewReader(body))
	for code == "" || msg == "" {
		tok, err := d.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var v string
		switch se.Name.Local {
		case "Code":
			if code == "" && d.DecodeElement(&v, &se) == nil {
				code = strings.TrimSpace(v)
			}
		case "Message":
			if msg == "" && d.DecodeElement(&v, &se) == nil {
				msg = strings.TrimSpace(v)
			}
		}
	}
	return code, msg
}

// ServerError is an error answer whose code the AWS SDK could not parse,
// as read from the body. It implements smithy.APIError.
type ServerError struct {
	Code, Message string
	StatusCode    int
	Err           error // the SDK's error
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("HTTP %d, api error %s: %s", e.StatusCode, e.Code, e.Message)
}
func (e *ServerError) Unwrap() error                 { return e.Err }
func (e *ServerError) ErrorCode() string             { return e.Code }
func (e *ServerError) ErrorMessage() string          { return e.Message }
func (e *ServerError) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }
