credentials "only_key" { # ERROR: Incomplete static credentials # DETAIL: Static credentials need both access_key_id and secret_access_key.
  access_key_id = "AKIDEXAMPLE"
}

credentials "only_secret" { # ERROR: Incomplete static credentials
  secret_access_key = "secret"
}

credentials "both" {
  profile           = "ci" # ERROR: Conflicting credential sources # DETAIL: either a profile or static keys, not both.
  access_key_id     = "AKIDEXAMPLE"
  secret_access_key = "secret"
}

credentials "token_only" {
  profile       = "ci"
  session_token = "token" # ERROR: Session token without static keys # COL: 3
}

credentials "fine" {
  access_key_id     = "AKIDEXAMPLE"
  secret_access_key = "secret"
  session_token     = "token"
}
