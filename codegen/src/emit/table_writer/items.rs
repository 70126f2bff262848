//! The items a [`Writer`] writes: doc comments, attributes (printed from their tokens), struct
//! fields, enum variants, `use` lists, `static`s, modules, impl blocks, functions and macro
//! calls.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::{Break, INDENT, INFINITY, Writer, is_punct};

impl Writer {
    /// Doc comment lines (`marker` is `///` or `//!`) of `text`, one per line, trimmed as
    /// [`crate::emit::rust::doc`] trims them; `spaced` puts a space after the marker, as
    /// `doc` does (a `#[doc = "..."]` written by hand has none).
    pub(crate) fn doc(&mut self, marker: &str, text: &str, spaced: bool) {
        let text = text.trim_end();
        for line in text.lines() {
            self.word(marker);
            // A line of spaces is an empty line: prettyplease trims the space before it too.
            let line = line.trim_end_matches(' ');
            if !line.is_empty() {
                let start = self.text.len();
                if spaced {
                    self.text.push(' ');
                }
                self.text.push_str(line);
                self.push_text(start, false);
            }
            self.hardbreak();
        }
    }

    /// An attribute written as it is, such as `#[cfg(test)]`, on its own line.
    pub(crate) fn attr(&mut self, attribute: &str) {
        self.word(attribute);
        self.space();
    }

    /// An attribute other than a doc comment, from its tokens (`#[derive(..)]`,
    /// `#[serde(..)]`, `#[cfg_attr(..)]`, `#[must_use = ".."]`), on its own line: printed as
    /// prettyplease prints one, a list's tokens broken inside its parentheses where the line
    /// does not fit.
    pub(crate) fn attribute(&mut self, tokens: &TokenStream) {
        let mut outer = tokens.clone().into_iter();
        let meta = match (outer.next(), outer.next()) {
            (Some(TokenTree::Punct(pound)), Some(TokenTree::Group(group)))
                if pound.as_char() == '#' && group.delimiter() == Delimiter::Bracket =>
            {
                group.stream()
            }
            // Not an attribute's tokens: as they are, which is what the caller gave.
            _ => {
                self.attr(&tokens.to_string());
                return;
            }
        };
        self.word("#[");
        let mut meta = meta.into_iter().peekable();
        // The path: `serde`, `cfg_attr`, `clippy::x`.
        while let Some(token) =
            meta.next_if(|t| matches!(t, TokenTree::Ident(_) | TokenTree::Punct(_)) && !is_punct(t, '='))
        {
            self.word(&token.to_string());
        }
        match meta.next() {
            Some(TokenTree::Group(group)) => self.attr_tokens(group),
            Some(equals) if is_punct(&equals, '=') => {
                self.word(" = ");
                meta.for_each(|token| self.word(&token.to_string()));
            }
            _ => {}
        }
        self.word("]");
        self.space();
    }

    /// The tokens of an attribute's list, as prettyplease's `attr_tokens` prints them: a
    /// space after each comma (a break inside a group), `=` spaced, each group's parentheses
    /// a box of its own, a trailing comma written only where the line breaks.
    fn attr_tokens(&mut self, group: proc_macro2::Group) {
        #[derive(PartialEq, Clone, Copy)]
        enum State {
            Word,
            Punct,
            TrailingComma,
        }
        let mut stack =
            vec![(TokenStream::from(TokenTree::Group(group)).into_iter().peekable(), Delimiter::None)];
        // Between words: a plain space outside any group, a break inside one.
        let mut breaks = false;
        let mut state = State::Word;
        let space = |w: &mut Self, breaks: bool| if breaks { w.space() } else { w.word(" ") };
        while let Some((tokens, delimiter)) = stack.last_mut() {
            let delimiter = *delimiter;
            let token = tokens.next();
            let last = tokens.peek().is_none();
            match token {
                Some(token @ (TokenTree::Ident(_) | TokenTree::Literal(_))) => {
                    if state == State::Word {
                        space(self, breaks);
                    }
                    self.word(&token.to_string());
                    state = State::Word;
                }
                Some(TokenTree::Punct(punct)) => {
                    let ch = punct.as_char();
                    if state == State::Word && ch == '=' {
                        self.word(" ");
                    }
                    if ch == ',' && last {
                        self.trailing_comma(0);
                        state = State::TrailingComma;
                    } else {
                        self.word(ch.encode_utf8(&mut [0; 4]));
                        if ch == '=' {
                            self.word(" ");
                        } else if ch == ',' {
                            space(self, breaks);
                        }
                        state = State::Punct;
                    }
                }
                Some(TokenTree::Group(group)) => {
                    self.attr_group_open(group.delimiter());
                    if group.delimiter() != Delimiter::None {
                        state = State::Punct;
                    }
                    stack.push((group.stream().into_iter().peekable(), group.delimiter()));
                    breaks = true;
                }
                None => {
                    if delimiter != Delimiter::None {
                        self.attr_group_close(delimiter, state == State::TrailingComma);
                        state = State::Punct;
                    }
                    stack.pop();
                    if stack.is_empty() {
                        breaks = false;
                    }
                }
            }
        }
    }

    /// The opening of a group in an attribute's tokens: a parenthesis opens a box.
    fn attr_group_open(&mut self, delimiter: Delimiter) {
        match delimiter {
            Delimiter::Parenthesis => {
                self.word("(");
                self.cbox(INDENT);
                self.zerobreak();
            }
            Delimiter::Brace => self.word("{"),
            Delimiter::Bracket => self.word("["),
            Delimiter::None => {}
        }
    }

    /// The closing of a group in an attribute's tokens (`after_comma`: its last token was a
    /// trailing comma, which breaks the line itself).
    fn attr_group_close(&mut self, delimiter: Delimiter, after_comma: bool) {
        match delimiter {
            Delimiter::Parenthesis => {
                if !after_comma {
                    self.zerobreak();
                }
                self.offset(-INDENT);
                self.end();
                self.word(")");
            }
            Delimiter::Brace => self.word("}"),
            Delimiter::Bracket => self.word("]"),
            Delimiter::None => {}
        }
    }

    /// `name: Type,` in a struct's body.
    pub(crate) fn struct_field(&mut self, name: &str, ty: &TokenStream) {
        self.word(name);
        self.word(": ");
        self.ty(ty);
        self.word(",");
        self.hardbreak();
    }

    /// A line on its own: `use a::b;`.
    pub(crate) fn line(&mut self, line: &str) {
        self.word(line);
        self.hardbreak();
    }

    /// `use prefix::{A, B, ..};`, or `use prefix::A;` for one name, filled as prettyplease
    /// fills a `use` list.
    pub(crate) fn use_list(&mut self, prefix: &str, names: &[&str]) {
        self.word("use ");
        self.word(prefix);
        self.word("::");
        if let [name] = names {
            self.word(name);
        } else {
            self.filled_list("{", "}", names, |w, name| w.word(name));
        }
        self.word(";");
        self.hardbreak();
    }

    /// `lead: ty = value;`, a `static` or `const` item: `lead` is `pub(crate) static NAME`,
    /// `ty` its type as written, such as `&[Operation]` or `Schema<'static>`.
    pub(crate) fn static_item(&mut self, lead: &str, ty: &str, value: impl FnOnce(&mut Self)) {
        self.cbox(0);
        self.word(lead);
        self.word(": ");
        match ty.strip_suffix("<'static>") {
            Some(name) => self.static_generic(name),
            None => self.word(ty),
        }
        self.word(" = ");
        self.neverbreak();
        value(self);
        self.word(";");
        self.end();
        self.hardbreak();
    }

    /// `head { items }`: a module (`head` is `pub(crate) mod name`), a struct with named
    /// fields (`pub struct Name`) or an impl block (`impl Name`).
    pub(crate) fn module(&mut self, head: &str, items: impl FnOnce(&mut Self)) {
        self.cbox(INDENT);
        self.word(head);
        self.block(items);
    }

    /// `impl Trait for Type { items }` (or `impl Type { items }` without `of_trait`): `for
    /// Type` goes to a line of its own when the line does not fit.
    pub(crate) fn impl_block(
        &mut self,
        of_trait: Option<&str>,
        self_ty: &str,
        items: impl FnOnce(&mut Self),
    ) {
        self.generic_impl_block("", of_trait, self_ty, items);
    }

    /// `impl Eq for Name {}`: a generated enum's `Eq`, written rather than derived. The
    /// derive adds a hidden function asserting that every field is `Eq`, one more body for the
    /// compiler to check in each of a thousand enums (BENCHMARKS.md); the generator knows the
    /// fields are (strings, integers, other code enums).
    pub(crate) fn eq_impl(&mut self, self_ty: &str) {
        self.impl_block(Some("Eq"), self_ty, |_| {});
    }

    /// [`Writer::impl_block`] with `generics` after `impl` (`<'de>`), short enough never to
    /// break.
    pub(crate) fn generic_impl_block(
        &mut self,
        generics: &str,
        of_trait: Option<&str>,
        self_ty: &str,
        items: impl FnOnce(&mut Self),
    ) {
        self.cbox(INDENT);
        self.ibox(-INDENT);
        self.word("impl");
        self.word(generics);
        self.word(" ");
        if let Some(of_trait) = of_trait {
            self.word(of_trait);
            self.space();
            self.word("for ");
        }
        self.word(self_ty);
        self.end();
        self.block(items);
    }

    /// `fn name() { statements }`.
    pub(crate) fn function(&mut self, name: &str, statements: impl FnOnce(&mut Self)) {
        self.function_item(&format!("fn {name}"), &[], None, statements);
    }

    /// `head(params) -> output { statements }`, a function or method: `head` is `pub fn name`,
    /// each of `params` a name and its type (none for `self`). The parameters go one per line
    /// when the signature does not fit, and then the output type's arguments too if it still
    /// does not.
    pub(crate) fn function_item(
        &mut self,
        head: &str,
        params: &[(&str, Option<&TokenStream>)],
        output: Option<&TokenStream>,
        statements: impl FnOnce(&mut Self),
    ) {
        self.cbox(INDENT);
        self.word(head);
        self.word("(");
        self.neverbreak();
        self.cbox(0);
        self.zerobreak();
        for (i, (name, ty)) in params.iter().enumerate() {
            self.word(name);
            if let Some(ty) = ty {
                self.word(": ");
                self.ty(ty);
            }
            if i + 1 < params.len() {
                self.word(",");
                self.space();
            } else {
                self.trailing_comma(0);
            }
        }
        self.offset(-INDENT);
        self.end();
        self.word(")");
        self.cbox(-INDENT);
        if let Some(output) = output {
            self.word(" -> ");
            self.ty(output);
        }
        self.end();
        self.block(statements);
    }

    /// ` { items }` closing the box its item opened, each of `items` on its own line.
    fn block(&mut self, items: impl FnOnce(&mut Self)) {
        self.word(" {");
        self.brk(Break { blank: INFINITY, if_nonempty: true, ..Break::default() });
        items(self);
        self.offset(-INDENT);
        self.end();
        self.word("}");
        self.hardbreak();
    }

    /// A type from its tokens (paths, generic arguments, references, `impl Trait`), its
    /// generic arguments one per line where it does not fit.
    pub(crate) fn ty(&mut self, tokens: &TokenStream) {
        let mut after_name = false;
        for token in tokens.clone() {
            match token {
                TokenTree::Ident(ident) => {
                    if after_name {
                        self.word(" ");
                    }
                    self.word(&ident.to_string());
                    after_name = true;
                    continue;
                }
                TokenTree::Punct(punct) => match punct.as_char() {
                    '<' => {
                        self.word("<");
                        self.cbox(INDENT);
                        self.zerobreak();
                    }
                    '>' => {
                        self.trailing_comma(0);
                        self.offset(-INDENT);
                        self.end();
                        self.word(">");
                    }
                    ',' => {
                        self.word(",");
                        self.space();
                    }
                    // An associated type's binding: `Output = T`.
                    '=' => self.word(" = "),
                    c => self.word(c.encode_utf8(&mut [0; 4])),
                },
                // A slice: `[T]`, its element type written as any other.
                TokenTree::Group(group) if group.delimiter() == Delimiter::Bracket => {
                    self.word("[");
                    self.ty(&group.stream());
                    self.word("]");
                }
                other => self.word(&other.to_string()),
            }
            after_name = false;
        }
    }

    /// `expression;` in a function body.
    pub(crate) fn statement(&mut self, expression: impl FnOnce(&mut Self)) {
        self.ibox(0);
        expression(self);
        self.word(";");
        self.end();
        self.hardbreak();
    }

    /// `target = value` (write the `;` with [`Writer::statement`]).
    pub(crate) fn assign(&mut self, target: &str, value: impl FnOnce(&mut Self)) {
        self.ibox(0);
        self.word(target);
        self.word(" = ");
        self.neverbreak();
        value(self);
        self.end();
    }

    /// `let name = value;`.
    pub(crate) fn let_statement(&mut self, name: &str, value: impl FnOnce(&mut Self)) {
        self.ibox(0);
        self.word("let ");
        self.word(name);
        self.word(" = ");
        self.neverbreak();
        value(self);
        self.end();
        self.word(";");
        self.hardbreak();
    }

    /// `expression` as a block's last statement, without `;`: its value.
    pub(crate) fn tail(&mut self, expression: impl FnOnce(&mut Self)) {
        self.ibox(0);
        expression(self);
        self.end();
        self.hardbreak();
    }

    /// `0 | 3 => body,`, an arm of a `match` on integers: when the arm does not fit its line,
    /// `body` goes on lines of its own, in braces.
    pub(crate) fn arm(&mut self, patterns: &[usize], body: impl FnOnce(&mut Self)) {
        self.arm_on(
            |w| {
                if let [pattern] = patterns {
                    w.uint(*pattern as u64);
                } else {
                    w.ibox(0);
                    for (i, pattern) in patterns.iter().enumerate() {
                        if i > 0 {
                            w.space();
                            w.word("| ");
                        }
                        w.uint(*pattern as u64);
                    }
                    w.end();
                }
            },
            body,
        );
    }

    /// `pattern => body,`, an arm of a `match`: when the arm does not fit its line, `body`
    /// goes on lines of its own, in braces.
    pub(crate) fn arm_on(&mut self, pattern: impl FnOnce(&mut Self), body: impl FnOnce(&mut Self)) {
        self.ibox(0);
        pattern(self);
        self.word(" => ");
        self.neverbreak();
        self.cbox(INDENT);
        self.brk(Break { pre: Some('{'), ..Break::default() });
        body(self);
        self.brk(Break { offset: -INDENT, post: "}", no_break: Some(','), ..Break::default() });
        self.end();
        self.end();
        self.hardbreak();
    }

    /// `match scrutinee { arms }`: write each arm with [`Writer::arm_on`].
    pub(crate) fn match_expr(&mut self, scrutinee: &str, arms: impl FnOnce(&mut Self)) {
        self.match_on(|w| w.word(scrutinee), arms);
    }

    /// [`Writer::match_expr`] on a scrutinee that `scrutinee` writes (a tuple that may break).
    pub(crate) fn match_on(&mut self, scrutinee: impl FnOnce(&mut Self), arms: impl FnOnce(&mut Self)) {
        self.ibox(0);
        self.word("match ");
        scrutinee(self);
        self.word(" {");
        self.neverbreak();
        self.cbox(INDENT);
        self.brk(Break { blank: INFINITY, if_nonempty: true, ..Break::default() });
        arms(self);
        self.offset(-INDENT);
        self.end();
        self.word("}");
        self.end();
    }

    /// `Path(binding)`, a pattern of a tuple variant holding one value.
    pub(crate) fn tuple_pattern(&mut self, path: &str, binding: &str) {
        self.word(path);
        self.word("(");
        self.cbox(INDENT);
        self.zerobreak();
        self.word(binding);
        self.trailing_comma(0);
        self.offset(-INDENT);
        self.end();
        self.word(")");
    }

    /// `Name(Type),`, a variant holding one value, in an enum's body.
    pub(crate) fn tuple_variant(&mut self, name: &str, ty: &TokenStream) {
        self.word(name);
        self.cbox(INDENT);
        self.word("(");
        self.zerobreak();
        self.ty(ty);
        self.trailing_comma(0);
        self.offset(-INDENT);
        self.word(")");
        self.end();
        self.word(",");
        self.hardbreak();
    }

    /// `path!(tokens);`, a macro called as an item: `tokens` writes the words of its
    /// arguments with [`Writer::word`], and [`Writer::token_space`] where prettyplease puts a
    /// space between two of them (it fills the lines with them, breaking at any such space).
    pub(crate) fn macro_item(&mut self, path: &str, tokens: impl FnOnce(&mut Self)) {
        self.word(path);
        self.word("!(");
        self.cbox(INDENT);
        self.zerobreak();
        self.ibox(0);
        tokens(self);
        self.end();
        self.zerobreak();
        self.offset(-INDENT);
        self.end();
        self.word(");");
        self.hardbreak();
    }

    /// The space between two words of a macro's arguments ([`Writer::macro_item`]).
    pub(crate) fn token_space(&mut self) {
        self.space();
    }
}
