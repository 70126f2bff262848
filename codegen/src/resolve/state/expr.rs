//! The expression language of steps, parsed: a tokenizer and a Pratt parser over the string,
//! which report the first problem at its byte offset inside the string.
//!
//! ```text
//! expr    := expr 'or' expr | expr 'and' expr | 'not' expr | operand (cmp operand)?
//! cmp     := '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in'
//! operand := literal | '[' (expr (',' expr)*)? ']' | '(' expr ')' | name '(' args ')' | read
//! read    := name ('[]')? ('.' (name | '*') ('[]')?)*
//! literal := 'text' | "text" | -?integer | -?number | true | false | null
//! ```
//!
//! `or` binds loosest, then `and`, then `not`, then the comparisons, which do not chain. Names
//! are not resolved here: the first name of a read is a root (`request`, `item` or an alias)
//! that the step checker looks up.

use crate::model::{BinaryOp, ExprLiteral, Segment};

/// A parsed expression, each part with its byte offset in the string.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    /// What it is.
    pub(super) kind: NodeKind,
    /// Where it starts, in bytes from the start of the string.
    pub(super) at: usize,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum NodeKind {
    /// A constant.
    Literal(ExprLiteral),
    /// `[a, b]`.
    List(Vec<Node>),
    /// `name.path`: a root name and the path after it.
    Read { root: String, path: Vec<Segment> },
    /// `a op b`.
    Binary { op: BinaryOp, left: Box<Node>, right: Box<Node> },
    /// `not a`.
    Not(Box<Node>),
    /// `name(args)`.
    Call { name: String, args: Vec<Node> },
}

/// Why a string is not an expression, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ParseError {
    /// Byte offset in the string.
    pub(super) at: usize,
    /// What is wrong.
    pub(super) message: String,
}

/// How deeply parentheses, lists, calls and `not` may nest: far beyond any step, and a bound
/// on the parser's recursion whatever the spec holds.
const MAX_DEPTH: usize = 64;

/// How many tokens one expression may have: far beyond any step, and a bound on how deep the
/// tree of a chain of operators (`a or b or c ...`) can grow, which everything after the parser
/// walks recursively.
const MAX_TOKENS: usize = 1024;

/// Parses a whole string as one expression.
pub(super) fn parse(text: &str) -> Result<Node, ParseError> {
    let tokens = tokenize(text)?;
    if let Some(token) = tokens.get(MAX_TOKENS) {
        return Err(ParseError {
            at: token.at,
            message: format!("more than {MAX_TOKENS} words and signs in one expression; split the step"),
        });
    }
    let mut parser = Parser { tokens, next: 0, end: text.len(), depth: 0 };
    let node = parser.expr(0)?;
    match parser.peek() {
        None => Ok(node),
        Some(token) => Err(ParseError {
            at: token.at,
            message: format!("unexpected {} after a complete expression", token.kind.describe()),
        }),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Name(String),
    Integer(i64),
    Float(f64),
    Text(String),
    Dot,
    Star,
    Comma,
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Minus,
    Op(BinaryOp),
}

impl TokenKind {
    fn describe(&self) -> String {
        match self {
            Self::Name(name) => format!("`{name}`"),
            Self::Integer(n) => format!("`{n}`"),
            Self::Float(n) => format!("`{n}`"),
            Self::Text(text) => format!("'{text}'"),
            Self::Dot => "`.`".to_owned(),
            Self::Star => "`*`".to_owned(),
            Self::Comma => "`,`".to_owned(),
            Self::Open => "`(`".to_owned(),
            Self::Close => "`)`".to_owned(),
            Self::OpenBracket => "`[`".to_owned(),
            Self::CloseBracket => "`]`".to_owned(),
            Self::Minus => "`-`".to_owned(),
            Self::Op(op) => format!("`{}`", op_text(*op)),
        }
    }
}

fn op_text(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Eq => "==",
        BinaryOp::Ne => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::In => "in",
        BinaryOp::And => "and",
        BinaryOp::Or => "or",
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: TokenKind,
    at: usize,
}

fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|(_, c)| *c);
        let kind = match c {
            c if c.is_whitespace() => continue,
            '.' => TokenKind::Dot,
            '*' => TokenKind::Star,
            ',' => TokenKind::Comma,
            '(' => TokenKind::Open,
            ')' => TokenKind::Close,
            '[' => TokenKind::OpenBracket,
            ']' => TokenKind::CloseBracket,
            '-' => TokenKind::Minus,
            '=' | '!' if next == Some('=') => {
                chars.next();
                TokenKind::Op(if c == '=' { BinaryOp::Eq } else { BinaryOp::Ne })
            }
            '=' => {
                return Err(ParseError {
                    at,
                    message: "`=` alone is not an operator; compare with `==`".into(),
                });
            }
            '!' => {
                return Err(ParseError {
                    at,
                    message: "`!` alone is not an operator; use `not` or `!=`".into(),
                });
            }
            '<' | '>' => {
                let or_equal = next == Some('=');
                if or_equal {
                    chars.next();
                }
                TokenKind::Op(match (c, or_equal) {
                    ('<', false) => BinaryOp::Lt,
                    ('<', true) => BinaryOp::Le,
                    ('>', false) => BinaryOp::Gt,
                    _ => BinaryOp::Ge,
                })
            }
            '\'' | '"' => TokenKind::Text(text_literal(at, c, &mut chars)?),
            c if c.is_ascii_digit() => number(text, at, &mut chars)?,
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = at + c.len_utf8();
                while let Some((i, c)) = chars.peek().copied() {
                    if !(c.is_ascii_alphanumeric() || c == '_') {
                        break;
                    }
                    end = i + c.len_utf8();
                    chars.next();
                }
                match &text[at..end] {
                    "and" => TokenKind::Op(BinaryOp::And),
                    "or" => TokenKind::Op(BinaryOp::Or),
                    "in" => TokenKind::Op(BinaryOp::In),
                    name => TokenKind::Name(name.to_owned()),
                }
            }
            other => {
                return Err(ParseError {
                    at,
                    message: format!("`{other}` cannot start anything in an expression"),
                });
            }
        };
        tokens.push(Token { kind, at });
    }
    Ok(tokens)
}

/// A quoted text from its opening quote at `at`; `\` escapes the quote and itself.
fn text_literal(
    at: usize,
    quote: char,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
) -> Result<String, ParseError> {
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, escaped)) if escaped == quote || escaped == '\\' => value.push(escaped),
                _ => {
                    return Err(ParseError {
                        at: i,
                        message: format!("`\\` in a text escapes only `{quote}` and `\\`"),
                    });
                }
            },
            c if c == quote => return Ok(value),
            c => value.push(c),
        }
    }
    Err(ParseError { at, message: format!("this text has no closing `{quote}`") })
}

/// An integer, or a number with a fraction, starting at `at`.
fn number(
    text: &str,
    at: usize,
    chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
) -> Result<TokenKind, ParseError> {
    let mut end = at + 1;
    let mut fraction = false;
    while let Some((i, c)) = chars.peek().copied() {
        let digit = c.is_ascii_digit();
        // A `.` belongs to the number only when a digit follows it.
        let point = c == '.' && !fraction && text[i + 1..].starts_with(|d: char| d.is_ascii_digit());
        if !(digit || point) {
            break;
        }
        fraction |= point;
        end = i + 1;
        chars.next();
    }
    let written = &text[at..end];
    if fraction {
        written
            .parse()
            .map(TokenKind::Float)
            .map_err(|_| ParseError { at, message: format!("`{written}` is not a number") })
    } else {
        written
            .parse()
            .map(TokenKind::Integer)
            .map_err(|_| ParseError { at, message: format!("`{written}` does not fit a 64-bit integer") })
    }
}

struct Parser {
    tokens: Vec<Token>,
    next: usize,
    /// The string's length: where "the end" is.
    end: usize,
    depth: usize,
}

/// How tightly each binary operator binds: (left, right).
fn binding(op: BinaryOp) -> (u8, u8) {
    match op {
        BinaryOp::Or => (1, 2),
        BinaryOp::And => (3, 4),
        _ => (7, 8),
    }
}

/// How tightly `not` binds its operand: looser than comparisons, tighter than `and`.
const NOT_BINDING: u8 = 5;

fn is_comparison(op: BinaryOp) -> bool {
    !matches!(op, BinaryOp::And | BinaryOp::Or)
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn bump(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.next).cloned();
        self.next += 1;
        token
    }

    /// The offset of the next token, or the end of the string.
    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.at)
    }

    fn expected(&self, what: &str) -> ParseError {
        let found = self.peek().map_or_else(|| "the end".to_owned(), |t| t.kind.describe());
        ParseError { at: self.here(), message: format!("expected {what}, found {found}") }
    }

    fn expect(&mut self, kind: &TokenKind, what: &str) -> Result<(), ParseError> {
        if self.peek().map(|t| &t.kind) == Some(kind) {
            self.next += 1;
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    fn deeper(&mut self, at: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError { at, message: format!("nested more than {MAX_DEPTH} deep") });
        }
        Ok(())
    }

    fn expr(&mut self, min: u8) -> Result<Node, ParseError> {
        let mut left = self.prefix()?;
        let mut compared = false;
        while let Some(Token { kind: TokenKind::Op(op), at }) = self.peek().cloned() {
            let (left_binding, right_binding) = binding(op);
            if left_binding < min {
                break;
            }
            if compared && is_comparison(op) {
                return Err(ParseError {
                    at,
                    message: "comparisons do not chain: join them with `and`, or use `( )`".into(),
                });
            }
            self.next += 1;
            let right = self.expr(right_binding)?;
            compared = is_comparison(op);
            let start = left.at;
            left = Node {
                kind: NodeKind::Binary { op, left: Box::new(left), right: Box::new(right) },
                at: start,
            };
        }
        Ok(left)
    }

    fn prefix(&mut self) -> Result<Node, ParseError> {
        let Some(token) = self.bump() else {
            self.next -= 1;
            return Err(self.expected("a value"));
        };
        let at = token.at;
        let kind = match token.kind {
            TokenKind::Name(name) if name == "not" => {
                self.deeper(at)?;
                let operand = self.expr(NOT_BINDING)?;
                self.depth -= 1;
                NodeKind::Not(Box::new(operand))
            }
            TokenKind::Name(name) => match name.as_str() {
                "true" => NodeKind::Literal(ExprLiteral::Bool(true)),
                "false" => NodeKind::Literal(ExprLiteral::Bool(false)),
                "null" => NodeKind::Literal(ExprLiteral::Null),
                _ if self.peek().map(|t| &t.kind) == Some(&TokenKind::Open) => {
                    self.next += 1;
                    self.deeper(at)?;
                    let args = self.items(&TokenKind::Close, "`)`")?;
                    self.depth -= 1;
                    NodeKind::Call { name, args }
                }
                _ => NodeKind::Read { root: name, path: self.path()? },
            },
            TokenKind::Integer(n) => NodeKind::Literal(ExprLiteral::Integer(n)),
            TokenKind::Float(n) => NodeKind::Literal(ExprLiteral::Float(n)),
            TokenKind::Minus => match self.bump().map(|t| t.kind) {
                Some(TokenKind::Integer(n)) => NodeKind::Literal(ExprLiteral::Integer(-n)),
                Some(TokenKind::Float(n)) => NodeKind::Literal(ExprLiteral::Float(-n)),
                _ => {
                    self.next -= 1;
                    return Err(ParseError { at, message: "`-` goes only before a number".into() });
                }
            },
            TokenKind::Text(text) => NodeKind::Literal(ExprLiteral::Text(text)),
            TokenKind::Open => {
                self.deeper(at)?;
                let inner = self.expr(0)?;
                self.depth -= 1;
                self.expect(&TokenKind::Close, "`)`")?;
                return Ok(Node { at, ..inner });
            }
            TokenKind::OpenBracket => {
                self.deeper(at)?;
                let items = self.items(&TokenKind::CloseBracket, "`]`")?;
                self.depth -= 1;
                NodeKind::List(items)
            }
            other => {
                return Err(ParseError {
                    at,
                    message: format!("expected a value, found {}", other.describe()),
                });
            }
        };
        Ok(Node { kind, at })
    }

    /// Comma-separated expressions up to `close` (which is consumed).
    fn items(&mut self, close: &TokenKind, what: &str) -> Result<Vec<Node>, ParseError> {
        let mut items = Vec::new();
        if self.peek().map(|t| &t.kind) == Some(close) {
            self.next += 1;
            return Ok(items);
        }
        loop {
            items.push(self.expr(0)?);
            match self.peek().map(|t| &t.kind) {
                Some(TokenKind::Comma) => self.next += 1,
                Some(kind) if kind == close => {
                    self.next += 1;
                    return Ok(items);
                }
                _ => return Err(self.expected(&format!("`,` or {what}"))),
            }
        }
    }

    /// What follows a read's first name: `[]`, `.name`, `.*`, each `.` step maybe with `[]`.
    fn path(&mut self) -> Result<Vec<Segment>, ParseError> {
        let mut path = Vec::new();
        loop {
            match self.peek().map(|t| t.kind.clone()) {
                Some(TokenKind::OpenBracket) => {
                    let at = self.here();
                    self.next += 1;
                    if self.peek().map(|t| &t.kind) != Some(&TokenKind::CloseBracket) {
                        return Err(ParseError {
                            at,
                            message: "after a name, `[` must be `[]` (each item of a list); indexes are not supported"
                                .into(),
                        });
                    }
                    self.next += 1;
                    path.push(Segment::Each);
                }
                Some(TokenKind::Dot) => {
                    self.next += 1;
                    match self.bump().map(|t| t.kind) {
                        Some(TokenKind::Name(name)) => path.push(Segment::Key(name)),
                        Some(TokenKind::Star) => path.push(Segment::Variant),
                        // `in`, `and`, `or` are fine field names after a dot.
                        Some(TokenKind::Op(op @ (BinaryOp::In | BinaryOp::And | BinaryOp::Or))) => {
                            path.push(Segment::Key(op_text(op).to_owned()))
                        }
                        _ => {
                            self.next -= 1;
                            return Err(self.expected("a field name or `*` after `.`"));
                        }
                    }
                }
                _ => return Ok(path),
            }
        }
    }
}

/// A path as written: `a.*.b[].c`.
pub(super) fn path_text(path: &[Segment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Segment::Variant => text.push_str(if text.is_empty() { "*" } else { ".*" }),
            Segment::Each => text.push_str("[]"),
        }
    }
    text
}

/// A dotted path as written in a key (`card.*.base_info.sku.quantity`, `cards[].card_id`),
/// parsed; the offset and message of its first problem otherwise.
pub(super) fn parse_path(text: &str) -> Result<Vec<Segment>, ParseError> {
    let node = parse(text)?;
    match node.kind {
        NodeKind::Read { root, mut path } => {
            path.insert(0, Segment::Key(root));
            Ok(path)
        }
        // `*` alone, or a name that is a keyword of expressions.
        _ => Err(ParseError { at: 0, message: format!("`{text}` is not a dotted path of field names") }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(root: &str, path: &[&str]) -> NodeKind {
        NodeKind::Read { root: root.into(), path: path.iter().map(|k| Segment::Key((*k).into())).collect() }
    }

    /// The expression with offsets dropped, as a compact string: `(a == b)`.
    fn shape(node: &Node) -> String {
        match &node.kind {
            NodeKind::Literal(ExprLiteral::Text(t)) => format!("'{t}'"),
            NodeKind::Literal(ExprLiteral::Integer(n)) => n.to_string(),
            NodeKind::Literal(ExprLiteral::Float(n)) => format!("{n:?}"),
            NodeKind::Literal(ExprLiteral::Bool(b)) => b.to_string(),
            NodeKind::Literal(ExprLiteral::Null) => "null".into(),
            NodeKind::List(items) => format!("[{}]", items.iter().map(shape).collect::<Vec<_>>().join(", ")),
            NodeKind::Read { root, path } => {
                let mut all = vec![Segment::Key(root.clone())];
                all.extend(path.iter().cloned());
                path_text(&all)
            }
            NodeKind::Binary { op, left, right } => {
                format!("({} {} {})", shape(left), op_text(*op), shape(right))
            }
            NodeKind::Not(inner) => format!("(not {})", shape(inner)),
            NodeKind::Call { name, args } => {
                format!("{name}({})", args.iter().map(shape).collect::<Vec<_>>().join(", "))
            }
        }
    }

    fn parsed(text: &str) -> String {
        shape(&parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}")))
    }

    fn error(text: &str) -> (usize, String) {
        let e = parse(text).expect_err(text);
        (e.at, e.message)
    }

    #[test]
    fn each_comparison_operator() {
        for op in ["==", "!=", "<", "<=", ">", ">=", "in"] {
            assert_eq!(parsed(&format!("a {op} b")), format!("(a {op} b)"));
        }
        assert_eq!(parsed("a==b"), "(a == b)", "no spaces needed");
    }

    #[test]
    fn logic_binds_looser_than_comparisons_and_not_between() {
        assert_eq!(parsed("a or b and c"), "(a or (b and c))");
        assert_eq!(parsed("a and b or c"), "((a and b) or c)");
        assert_eq!(parsed("a or b or c"), "((a or b) or c)");
        assert_eq!(parsed("not a == b"), "(not (a == b))");
        assert_eq!(parsed("not a and b"), "((not a) and b)");
        assert_eq!(parsed("not not a"), "(not (not a))");
        assert_eq!(parsed("a == 1 and b != 'x' or not c"), "(((a == 1) and (b != 'x')) or (not c))");
        assert_eq!(parsed("(a or b) and c"), "((a or b) and c)");
    }

    #[test]
    fn literals_lists_calls_and_reads() {
        assert_eq!(parsed("'a\\'b'"), "'a'b'");
        assert_eq!(parsed("\"double\""), "'double'");
        assert_eq!(parsed("12"), "12");
        assert_eq!(parsed("-12"), "-12");
        assert_eq!(parsed("1.5"), "1.5");
        assert_eq!(parsed("-0.25"), "-0.25");
        assert_eq!(parsed("true"), "true");
        assert_eq!(parsed("null"), "null");
        assert_eq!(parsed("['A', 'B']"), "['A', 'B']");
        assert_eq!(parsed("[]"), "[]");
        assert_eq!(parsed("now()"), "now()");
        assert_eq!(parsed("concat('a', b.c, 1)"), "concat('a', b.c, 1)");
        assert_eq!(parsed("card.*.base_info.sku.quantity"), "card.*.base_info.sku.quantity");
        assert_eq!(parsed("cards[].card_id"), "cards[].card_id");
        assert_eq!(parsed("request.list[].items[]"), "request.list[].items[]");
        assert_eq!(parse("request.card_id").map(|n| n.kind), Ok(read("request", &["card_id"])));
        assert_eq!(parsed("x.in"), "x.in", "a keyword is a field name after a dot");
    }

    #[test]
    fn offsets_point_into_the_string() {
        let node = parse("a == 'b'").unwrap_or_else(|e| panic!("{e:?}"));
        let NodeKind::Binary { right, .. } = node.kind else { panic!("a comparison") };
        assert_eq!((node.at, right.at), (0, 5));
    }

    #[test]
    fn errors_say_what_and_where() {
        assert_eq!(error("a == "), (5, "expected a value, found the end".into()));
        assert_eq!(error("a = b"), (2, "`=` alone is not an operator; compare with `==`".into()));
        assert_eq!(error("!a"), (0, "`!` alone is not an operator; use `not` or `!=`".into()));
        assert_eq!(
            error("a == b == c"),
            (7, "comparisons do not chain: join them with `and`, or use `( )`".into())
        );
        assert_eq!(error("'open"), (0, "this text has no closing `'`".into()));
        assert_eq!(error("(a or b"), (7, "expected `)`, found the end".into()));
        assert_eq!(error("f(a b)"), (4, "expected `,` or `)`, found `b`".into()));
        assert_eq!(error("a b"), (2, "unexpected `b` after a complete expression".into()));
        assert_eq!(error("'it''s'"), (4, "unexpected 's' after a complete expression".into()));
        assert_eq!(error("a.1"), (2, "expected a field name or `*` after `.`, found `1`".into()));
        assert_eq!(
            error("a[0]"),
            (1, "after a name, `[` must be `[]` (each item of a list); indexes are not supported".into())
        );
        assert_eq!(error("- a"), (0, "`-` goes only before a number".into()));
        assert_eq!(error("a $ b"), (2, "`$` cannot start anything in an expression".into()));
        assert_eq!(
            error("99999999999999999999"),
            (0, "`99999999999999999999` does not fit a 64-bit integer".into())
        );
        assert_eq!(error("'a\\n'"), (2, "`\\` in a text escapes only `'` and `\\`".into()));
        assert_eq!(error(""), (0, "expected a value, found the end".into()));
        assert_eq!(error("== a"), (0, "expected a value, found `==`".into()));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(error(&deep).1, "nested more than 64 deep");
        let nots = format!("{}a", "not ".repeat(100));
        assert_eq!(error(&nots).1, "nested more than 64 deep");
        assert!(parse(&format!("{}a{}", "(".repeat(60), ")".repeat(60))).is_ok());
        let chain = vec!["a"; 600].join(" or ");
        assert_eq!(
            error(&chain),
            (2560, "more than 1024 words and signs in one expression; split the step".into())
        );
        assert!(parse(&vec!["a"; 500].join(" or ")).is_ok());
        let path = format!("a{}", ".b".repeat(600));
        assert_eq!(error(&path).1, "more than 1024 words and signs in one expression; split the step");
    }

    #[test]
    fn paths_of_keys_are_reads() {
        let key = |k: &str| Segment::Key(k.into());
        assert_eq!(
            parse_path("card.*.base_info.sku.quantity"),
            Ok(vec![key("card"), Segment::Variant, key("base_info"), key("sku"), key("quantity")])
        );
        assert_eq!(parse_path("cards[].card_id"), Ok(vec![key("cards"), Segment::Each, key("card_id")]));
        assert!(parse_path("a == b").is_err());
        assert!(parse_path("title.").is_err());
        assert_eq!(path_text(&[Segment::Variant, key("a")]), "*.a");
    }
}
