//! The format's keyword values, carried into the model's own enums: the model does not
//! depend on how the spec is written, so the emitters never see the format.

use crate::format;
use crate::model::{
    Access, BodyKind, Direction, EventFieldType, Existing, Literal, Method, ResponseBody, Retry, TokenKind,
    UnionLayout,
};

impl From<format::Method> for Method {
    fn from(method: format::Method) -> Self {
        match method {
            format::Method::Get => Self::Get,
            format::Method::Post => Self::Post,
        }
    }
}

impl From<format::BodyKind> for BodyKind {
    fn from(body: format::BodyKind) -> Self {
        match body {
            format::BodyKind::Json => Self::Json,
            format::BodyKind::Multipart => Self::Multipart,
            format::BodyKind::None => Self::None,
        }
    }
}

impl From<format::ResponseBodyKind> for ResponseBody {
    fn from(body: format::ResponseBodyKind) -> Self {
        match body {
            format::ResponseBodyKind::Json => Self::Json,
            format::ResponseBodyKind::Text => Self::Text,
        }
    }
}

impl From<format::TokenKind> for TokenKind {
    fn from(token: format::TokenKind) -> Self {
        match token {
            format::TokenKind::AccessToken => Self::AccessToken,
            format::TokenKind::None => Self::None,
        }
    }
}

impl From<format::Access> for Access {
    fn from(access: format::Access) -> Self {
        match access {
            format::Access::Yes => Self::Yes,
            format::Access::Apply => Self::Apply,
            format::Access::No => Self::No,
        }
    }
}

impl From<format::UnionLayout> for UnionLayout {
    fn from(layout: format::UnionLayout) -> Self {
        match layout {
            format::UnionLayout::Sibling => Self::Sibling,
            format::UnionLayout::Internal => Self::Internal,
        }
    }
}

impl From<format::Direction> for Direction {
    fn from(direction: format::Direction) -> Self {
        match direction {
            format::Direction::Request => Self::Request,
            format::Direction::Response => Self::Response,
        }
    }
}

impl From<&format::Literal> for Literal {
    fn from(literal: &format::Literal) -> Self {
        match literal {
            format::Literal::Int(n) => Self::Int(*n),
            format::Literal::Str(s) => Self::Str(s.clone()),
        }
    }
}

impl From<format::Retry> for Retry {
    fn from(retry: format::Retry) -> Self {
        match retry {
            format::Retry::Never => Self::Never,
            format::Retry::Backoff => Self::Backoff,
            format::Retry::RenewToken => Self::RenewToken,
        }
    }
}

impl From<format::ExistingDef> for Existing {
    fn from(existing: format::ExistingDef) -> Self {
        match existing {
            format::ExistingDef::Replace => Self::Replace,
            format::ExistingDef::Merge => Self::Merge,
            format::ExistingDef::Skip => Self::Skip,
            format::ExistingDef::Refuse(code) => Self::Refuse(code),
        }
    }
}

impl From<format::EventFieldType> for EventFieldType {
    fn from(ty: format::EventFieldType) -> Self {
        match ty {
            format::EventFieldType::String => Self::String,
            format::EventFieldType::Integer => Self::Integer,
            format::EventFieldType::Boolean => Self::Boolean,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::format;
    use crate::model::{
        Access, BodyKind, Direction, EventFieldType, Existing, Literal, Method, Retry, TokenKind, UnionLayout,
    };

    #[test]
    fn each_endpoint_keyword_becomes_its_model_value() {
        assert_eq!(
            [format::Method::Get, format::Method::Post].map(Method::from),
            [Method::Get, Method::Post]
        );
        assert_eq!(
            [format::BodyKind::Json, format::BodyKind::Multipart, format::BodyKind::None].map(BodyKind::from),
            [BodyKind::Json, BodyKind::Multipart, BodyKind::None]
        );
        assert_eq!(
            [format::TokenKind::AccessToken, format::TokenKind::None].map(TokenKind::from),
            [TokenKind::AccessToken, TokenKind::None]
        );
        assert_eq!(
            [format::Access::Yes, format::Access::Apply, format::Access::No].map(Access::from),
            [Access::Yes, Access::Apply, Access::No]
        );
    }

    #[test]
    fn each_type_keyword_becomes_its_model_value() {
        assert_eq!(
            [format::UnionLayout::Sibling, format::UnionLayout::Internal].map(UnionLayout::from),
            [UnionLayout::Sibling, UnionLayout::Internal]
        );
        assert_eq!(
            [format::Direction::Request, format::Direction::Response].map(Direction::from),
            [Direction::Request, Direction::Response]
        );
        assert_eq!(Literal::from(&format::Literal::Int(-7)), Literal::Int(-7));
        assert_eq!(Literal::from(&format::Literal::Str("A".into())), Literal::Str("A".into()));
    }

    #[test]
    fn each_code_mock_and_event_keyword_becomes_its_model_value() {
        assert_eq!(
            [format::Retry::Never, format::Retry::Backoff, format::Retry::RenewToken].map(Retry::from),
            [Retry::Never, Retry::Backoff, Retry::RenewToken]
        );
        assert_eq!(
            [
                format::ExistingDef::Replace,
                format::ExistingDef::Merge,
                format::ExistingDef::Skip,
                format::ExistingDef::Refuse(40056)
            ]
            .map(Existing::from),
            [Existing::Replace, Existing::Merge, Existing::Skip, Existing::Refuse(40056)]
        );
        assert_eq!(
            [
                format::EventFieldType::String,
                format::EventFieldType::Integer,
                format::EventFieldType::Boolean
            ]
            .map(EventFieldType::from),
            [EventFieldType::String, EventFieldType::Integer, EventFieldType::Boolean]
        );
    }
}
