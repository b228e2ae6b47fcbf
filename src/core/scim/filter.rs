//! The SCIM filter language (RFC 7644 §3.4.2.2): parsed into a [`Filter`] and evaluated against a
//! resource document.
//!
//! A hand-written recursive-descent parser over the bytes, bounded before it starts (length) and
//! while it runs (nesting, comparisons), so a hostile filter costs a bounded stack and time.
//! Precedence: `not` and parentheses bind tightest, then `and`, then `or`; operators, keywords and
//! attribute names are case-insensitive. Two liberties beyond the RFC grammar, because IdPs and
//! their documentation use them: a value path may be followed by a sub-attribute and a comparison
//! (`emails[type eq "work"].value eq "x"`), and `and`/`or` need no space before a parenthesis.
//!
//! Evaluation: an attribute path yields every value it reaches (the elements of a multi-valued
//! attribute, each element's sub-attribute), and a comparison matches if ANY of them matches.
//! Strings compare case-insensitively, except `id`, `externalId` and `meta.version`, which are
//! `caseExact` in RFC 7643. `ne` is the negation of `eq` (so it matches an absent attribute).

use super::ScimError;
use crate::api::scim::{ScimType, CORE_SCHEMA_PREFIX};
use serde_json::Value;
use std::cmp::Ordering;
use std::fmt;

/// Longest filter accepted, in bytes.
pub const MAX_FILTER_LEN: usize = 4096;
/// Deepest nesting of parentheses, `not` and value filters (`[...]`).
pub const MAX_FILTER_DEPTH: usize = 16;
/// Most comparisons (including `pr` and bare value filters) in one filter.
pub const MAX_FILTER_COMPARISONS: usize = 64;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Contains (strings).
    Co,
    /// Starts with (strings).
    Sw,
    /// Ends with (strings).
    Ew,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
}

impl CompareOp {
    fn parse(word: &str) -> Option<CompareOp> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => CompareOp::Eq,
            "ne" => CompareOp::Ne,
            "co" => CompareOp::Co,
            "sw" => CompareOp::Sw,
            "ew" => CompareOp::Ew,
            "gt" => CompareOp::Gt,
            "ge" => CompareOp::Ge,
            "lt" => CompareOp::Lt,
            "le" => CompareOp::Le,
            _ => return None,
        })
    }
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `path op value`; the value is a JSON string, number, boolean or null.
    Compare {
        /// The attribute compared.
        path: AttrPath,
        /// The operator.
        op: CompareOp,
        /// The literal.
        value: Value,
    },
    /// `path pr`: the attribute has a non-empty value.
    Present(AttrPath),
    /// `emails[type eq "work"]`: some element of the attribute matches the path's filter.
    ValuePath(AttrPath),
    /// `not (…)`.
    Not(Box<Filter>),
    /// `… and …`.
    And(Box<Filter>, Box<Filter>),
    /// `… or …`.
    Or(Box<Filter>, Box<Filter>),
}

/// A path to an attribute, a sub-attribute, or the elements of a multi-valued attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrPath {
    /// The schema URN it is qualified with, as written (`urn:…:enterprise:2.0:User`).
    pub schema: Option<String>,
    /// The attribute name, as written.
    pub attr: String,
    /// The value filter between `[` and `]`, relative to each element.
    pub filter: Option<Box<Filter>>,
    /// The sub-attribute after the `.`.
    pub sub_attr: Option<String>,
}

impl AttrPath {
    /// Whether it names `name` (`userName`, `emails.value`, any case) in the core schema, without a
    /// value filter: for the server to pick an indexed column.
    pub fn is(&self, name: &str) -> bool {
        let (attr, sub) = match name.split_once('.') {
            Some((a, s)) => (a, Some(s)),
            None => (name, None),
        };
        self.filter.is_none()
            && self.schema.as_deref().is_none_or(is_core_schema)
            && self.attr.eq_ignore_ascii_case(attr)
            && match (&self.sub_attr, sub) {
                (None, None) => true,
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            }
    }

    /// In the core schema (no URN, or a core one): the attribute lives at the top of the document.
    pub fn is_core(&self) -> bool {
        self.schema.as_deref().is_none_or(is_core_schema)
    }

    /// `id`, `externalId` and `meta.version` compare case-sensitively (RFC 7643 `caseExact`).
    pub fn is_case_exact(&self) -> bool {
        if !self.is_core() {
            return false;
        }
        match &self.sub_attr {
            None => {
                self.attr.eq_ignore_ascii_case("id") || self.attr.eq_ignore_ascii_case("externalId")
            }
            Some(sub) => {
                self.attr.eq_ignore_ascii_case("meta") && sub.eq_ignore_ascii_case("version")
            }
        }
    }
}

/// Whether `urn` is a core schema (`urn:ietf:params:scim:schemas:core:…`), whose attributes
/// live at the top level of a resource.
pub fn is_core_schema(urn: &str) -> bool {
    urn.get(..CORE_SCHEMA_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(CORE_SCHEMA_PREFIX))
}

/// `obj[name]`, the name compared case-insensitively (an exact match first).
pub fn get_ci<'a>(obj: &'a Value, name: &str) -> Option<&'a Value> {
    let map = obj.as_object()?;
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// Why a filter (or a PATCH path) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterError {
    /// Longer than [`MAX_FILTER_LEN`] bytes (its length).
    TooLong(usize),
    /// Nested deeper than [`MAX_FILTER_DEPTH`].
    TooDeep,
    /// More than [`MAX_FILTER_COMPARISONS`] comparisons.
    TooManyComparisons,
    /// Empty or only spaces.
    Empty,
    /// Not the grammar: the byte offset and what was wrong.
    Syntax {
        /// Byte offset in the filter.
        at: usize,
        /// What was expected or wrong.
        message: String,
    },
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilterError::TooLong(len) => {
                write!(
                    f,
                    "the filter is {len} bytes long; at most {MAX_FILTER_LEN} are accepted"
                )
            }
            FilterError::TooDeep => {
                write!(f, "the filter nests parentheses, not and [...] deeper than {MAX_FILTER_DEPTH} levels")
            }
            FilterError::TooManyComparisons => {
                write!(
                    f,
                    "the filter has more than {MAX_FILTER_COMPARISONS} comparisons"
                )
            }
            FilterError::Empty => write!(f, "the filter is empty"),
            FilterError::Syntax { at, message } => {
                write!(f, "invalid filter at byte {at}: {message}")
            }
        }
    }
}

impl From<FilterError> for ScimError {
    fn from(e: FilterError) -> ScimError {
        ScimError::bad_request(ScimType::InvalidFilter, e.to_string())
    }
}

impl Filter {
    /// Parses a filter, bounded by [`MAX_FILTER_LEN`], [`MAX_FILTER_DEPTH`] and
    /// [`MAX_FILTER_COMPARISONS`].
    pub fn parse(src: &str) -> Result<Filter, FilterError> {
        if src.len() > MAX_FILTER_LEN {
            return Err(FilterError::TooLong(src.len()));
        }
        let mut p = Parser::new(src);
        p.skip_ws();
        if p.eof() {
            return Err(FilterError::Empty);
        }
        let f = p.or()?;
        p.skip_ws();
        if !p.eof() {
            return Err(p.error("expected `and`, `or` or the end of the filter"));
        }
        Ok(f)
    }

    /// The common `attr eq "string"` case (no value filter in the path), so the server can answer
    /// it with an indexed lookup rather than a scan: the path and the string.
    pub fn as_simple_eq(&self) -> Option<(&AttrPath, &str)> {
        match self {
            Filter::Compare {
                path,
                op: CompareOp::Eq,
                value: Value::String(s),
            } if path.filter.is_none() => Some((path, s.as_str())),
            _ => None,
        }
    }

    /// Whether `resource` (a SCIM resource, or an element of a multi-valued attribute for the
    /// filter inside `[...]`) matches.
    pub fn matches(&self, resource: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(resource) && b.matches(resource),
            Filter::Or(a, b) => a.matches(resource) || b.matches(resource),
            Filter::Not(f) => !f.matches(resource),
            Filter::Present(path) => values_at(resource, path).into_iter().any(is_present),
            Filter::ValuePath(path) => !values_at(resource, path).is_empty(),
            Filter::Compare { path, op, value } => {
                let found = values_at(resource, path);
                let exact = path.is_case_exact();
                let eq = || {
                    (value.is_null() && found.is_empty())
                        || found
                            .iter()
                            .any(|v| compare(v, CompareOp::Eq, value, exact))
                };
                match op {
                    CompareOp::Ne => !eq(),
                    CompareOp::Eq => eq(),
                    _ => found.iter().any(|v| compare(v, *op, value, exact)),
                }
            }
        }
    }
}

/// RFC 7644: a value is present if it is not null and not empty.
fn is_present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// Every value `path` reaches in `resource`: multi-valued attributes give each element (those
/// matching the path's filter, if any), then each element's sub-attribute.
pub(crate) fn values_at<'a>(resource: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let container = match &path.schema {
        Some(urn) if !is_core_schema(urn) => match get_ci(resource, urn) {
            Some(c) => c,
            None => return Vec::new(),
        },
        _ => resource,
    };
    let Some(top) = get_ci(container, &path.attr) else {
        return Vec::new();
    };
    let mut elements: Vec<&Value> = match top {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    if let Some(f) = &path.filter {
        elements.retain(|e| f.matches(e));
    }
    let Some(sub) = &path.sub_attr else {
        return elements;
    };
    let mut out = Vec::new();
    for e in elements {
        match get_ci(e, sub) {
            Some(Value::Array(items)) => out.extend(items.iter()),
            Some(v) => out.push(v),
            None => {}
        }
    }
    out
}

fn compare(found: &Value, op: CompareOp, literal: &Value, exact: bool) -> bool {
    // A complex value compared with a literal stands for its `value` sub-attribute
    // (`emails eq "a@b.c"`), as RFC 7643 makes `value` the primary sub-attribute.
    let found = match found {
        Value::Object(o) => match o.get("value") {
            Some(v) => v,
            None => return false,
        },
        v => v,
    };
    match (found, literal) {
        (Value::String(a), Value::String(b)) => {
            let (a, b) = if exact {
                (a.clone(), b.clone())
            } else {
                (a.to_lowercase(), b.to_lowercase())
            };
            match op {
                CompareOp::Eq => a == b,
                CompareOp::Ne => a != b,
                CompareOp::Co => a.contains(&b),
                CompareOp::Sw => a.starts_with(&b),
                CompareOp::Ew => a.ends_with(&b),
                _ => ordered(a.cmp(&b), op),
            }
        }
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b).is_some_and(|o| ordered(o, op)),
            _ => false,
        },
        (Value::Bool(a), Value::Bool(b)) => match op {
            CompareOp::Eq => a == b,
            CompareOp::Ne => a != b,
            _ => false,
        },
        (Value::Null, Value::Null) => op == CompareOp::Eq,
        _ => false,
    }
}

fn ordered(o: Ordering, op: CompareOp) -> bool {
    match op {
        CompareOp::Eq => o == Ordering::Equal,
        CompareOp::Ne => o != Ordering::Equal,
        CompareOp::Gt => o == Ordering::Greater,
        CompareOp::Ge => o != Ordering::Less,
        CompareOp::Lt => o == Ordering::Less,
        CompareOp::Le => o != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

/// The parser state: position, and the running depth and comparison count the bounds check.
pub(crate) struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: usize,
    comparisons: usize,
    in_brackets: bool,
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'$')
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str) -> Parser<'a> {
        Parser {
            src,
            b: src.as_bytes(),
            pos: 0,
            depth: 0,
            comparisons: 0,
            in_brackets: false,
        }
    }

    pub(crate) fn eof(&self) -> bool {
        self.pos >= self.b.len()
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    pub(crate) fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    pub(crate) fn error(&self, message: &str) -> FilterError {
        FilterError::Syntax {
            at: self.pos,
            message: message.to_owned(),
        }
    }

    fn enter(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_FILTER_DEPTH {
            return Err(FilterError::TooDeep);
        }
        Ok(())
    }

    fn count(&mut self) -> Result<(), FilterError> {
        self.comparisons += 1;
        if self.comparisons > MAX_FILTER_COMPARISONS {
            return Err(FilterError::TooManyComparisons);
        }
        Ok(())
    }

    /// Consumes `word` (any case) if it is next and not followed by a name character.
    fn keyword(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        let matches = self
            .b
            .get(self.pos..end)
            .is_some_and(|s| s.eq_ignore_ascii_case(word.as_bytes()))
            && !self
                .b
                .get(end)
                .is_some_and(|&c| is_name_byte(c) || c == b':' || c == b'.');
        if matches {
            self.pos = end;
        }
        matches
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), FilterError> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    fn or(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.and()?;
        loop {
            let save = self.pos;
            self.skip_ws();
            if self.keyword("or") {
                let right = self.and()?;
                left = Filter::Or(Box::new(left), Box::new(right));
            } else {
                self.pos = save;
                return Ok(left);
            }
        }
    }

    fn and(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.unary()?;
        loop {
            let save = self.pos;
            self.skip_ws();
            if self.keyword("and") {
                let right = self.unary()?;
                left = Filter::And(Box::new(left), Box::new(right));
            } else {
                self.pos = save;
                return Ok(left);
            }
        }
    }

    fn unary(&mut self) -> Result<Filter, FilterError> {
        self.skip_ws();
        if self.peek() == Some(b'(') {
            self.enter()?;
            self.pos += 1;
            let f = self.or()?;
            self.expect(b')', "`)`")?;
            self.depth -= 1;
            return Ok(f);
        }
        let save = self.pos;
        if self.keyword("not") {
            self.skip_ws();
            if self.peek() == Some(b'(') {
                self.enter()?;
                self.pos += 1;
                let f = self.or()?;
                self.expect(b')', "`)`")?;
                self.depth -= 1;
                return Ok(Filter::Not(Box::new(f)));
            }
            // An attribute called `not`.
            self.pos = save;
        }
        self.attr_exp()
    }

    fn attr_exp(&mut self) -> Result<Filter, FilterError> {
        let path = self.attr_path()?;
        self.count()?;
        if path.filter.is_some() && path.sub_attr.is_none() {
            return Ok(Filter::ValuePath(path));
        }
        self.skip_ws();
        let at = self.pos;
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        let word = &self.src[start..self.pos];
        if word.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let Some(op) = CompareOp::parse(word) else {
            self.pos = at;
            return Err(self.error("expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)"));
        };
        self.skip_ws();
        let value_at = self.pos;
        let value = self.literal()?;
        let fits = match op {
            CompareOp::Co | CompareOp::Sw | CompareOp::Ew => value.is_string(),
            CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le => {
                value.is_string() || value.is_number()
            }
            CompareOp::Eq | CompareOp::Ne => true,
        };
        if !fits {
            self.pos = value_at;
            return Err(self.error(&format!("`{word}` cannot compare with {value}")));
        }
        Ok(Filter::Compare { path, op, value })
    }

    /// `[urn:…:]attr[.sub]`, or `attr[filter][.sub]`.
    pub(crate) fn attr_path(&mut self) -> Result<AttrPath, FilterError> {
        self.skip_ws();
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| is_name_byte(c) || c == b':' || c == b'.')
        {
            self.pos += 1;
        }
        let word = &self.src[start..self.pos];
        if word.is_empty() {
            return Err(self.error("expected an attribute name"));
        }
        let (schema, rest) = match word.get(..4) {
            Some(p) if p.eq_ignore_ascii_case("urn:") => match word.rsplit_once(':') {
                Some((urn, attr)) => (Some(urn.to_owned()), attr),
                None => (None, word),
            },
            _ => (None, word),
        };
        let (attr, sub) = match rest.split_once('.') {
            Some((a, s)) => (a, Some(s)),
            None => (rest, None),
        };
        let bad_name = |s: &str| {
            !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '$') || s.contains(['.', ':'])
        };
        if bad_name(attr) || sub.is_some_and(bad_name) {
            self.pos = start;
            return Err(self.error(&format!("`{word}` is not an attribute path")));
        }
        let mut path = AttrPath {
            schema,
            attr: attr.to_owned(),
            filter: None,
            sub_attr: sub.map(str::to_owned),
        };
        if self.peek() == Some(b'[') {
            if path.sub_attr.is_some() {
                return Err(self.error(
                    "a value filter `[...]` goes after the attribute, not its sub-attribute",
                ));
            }
            if self.in_brackets {
                return Err(self.error("value filters `[...]` cannot nest"));
            }
            self.enter()?;
            self.pos += 1;
            self.in_brackets = true;
            let f = self.or()?;
            self.in_brackets = false;
            self.expect(b']', "`]`")?;
            self.depth -= 1;
            path.filter = Some(Box::new(f));
            if self.peek() == Some(b'.') {
                self.pos += 1;
                let s = self.pos;
                while self.peek().is_some_and(is_name_byte) {
                    self.pos += 1;
                }
                let sub = &self.src[s..self.pos];
                if bad_name(sub) {
                    return Err(self.error("expected a sub-attribute name after `].`"));
                }
                path.sub_attr = Some(sub.to_owned());
            }
        }
        Ok(path)
    }

    /// A JSON string (with its escapes), number, `true`, `false` or `null`.
    fn literal(&mut self) -> Result<Value, FilterError> {
        let start = self.pos;
        match self.peek() {
            Some(b'"') => {
                let mut i = self.pos + 1;
                while i < self.b.len() && self.b[i] != b'"' {
                    i += if self.b[i] == b'\\' { 2 } else { 1 };
                }
                if i >= self.b.len() {
                    return Err(self.error("unterminated string"));
                }
                self.pos = i + 1;
                serde_json::from_str::<String>(&self.src[start..self.pos])
                    .map(Value::String)
                    .map_err(|_| FilterError::Syntax {
                        at: start,
                        message: "invalid string escape".into(),
                    })
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                while self.peek().is_some_and(|c| {
                    c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')
                }) {
                    self.pos += 1;
                }
                serde_json::from_str::<serde_json::Number>(&self.src[start..self.pos])
                    .map(Value::Number)
                    .map_err(|_| FilterError::Syntax {
                        at: start,
                        message: "invalid number".into(),
                    })
            }
            _ => {
                for (word, v) in [
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("null", Value::Null),
                ] {
                    if self.keyword(word) {
                        return Ok(v);
                    }
                }
                Err(self.error("expected a value: a \"string\", a number, true, false or null"))
            }
        }
    }
}

#[cfg(test)]
mod tests;
