//! A card's stock, kept where WeChat answers it: `base_info.sku.quantity` (left to give out)
//! and `base_info.sku.total_quantity` (ever stocked) of the stored card, in whichever variant
//! the card is.

use serde_json::{Map, Value};

use crate::resources::{ObjectType, object_at_mut};

/// `invalid card quantity`: what the mock answers for stock that would go below zero.
pub(crate) const INVALID_QUANTITY: i64 = 40122;

/// Why the stock could not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StockError {
    /// The change would leave fewer than zero cards: 40122.
    #[error("the stock would be {0}, below zero")]
    BelowZero(i64),
    /// The card has no `base_info.sku` to keep stock in.
    #[error("the card has no base_info.sku")]
    NoSku,
}

/// A card's stock after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stock {
    /// Cards left to give out.
    pub quantity: i64,
    /// Cards ever stocked.
    pub total_quantity: i64,
}

fn sku(card: &mut Value, ty: ObjectType) -> Result<&mut Map<String, Value>, StockError> {
    object_at_mut(card, ty, &["base_info", "sku"]).ok_or(StockError::NoSku)
}

/// The stock as it is; `total_quantity` is the quantity until the stock first changes.
fn read(sku: &Map<String, Value>) -> Stock {
    let quantity = sku.get("quantity").and_then(Value::as_i64).unwrap_or(0);
    let total_quantity = sku.get("total_quantity").and_then(Value::as_i64).unwrap_or(quantity);
    Stock { quantity, total_quantity }
}

fn write(sku: &mut Map<String, Value>, stock: Stock) {
    sku.insert("quantity".to_owned(), Value::from(stock.quantity));
    sku.insert("total_quantity".to_owned(), Value::from(stock.total_quantity));
}

/// `/card/modifystock`: adds `increase` and takes away `reduce`, both from what is left and
/// from the total; refused, and nothing changed, when fewer than zero would be left.
pub(crate) fn modify(
    card: &mut Value,
    ty: ObjectType,
    increase: i64,
    reduce: i64,
) -> Result<Stock, StockError> {
    let sku = sku(card, ty)?;
    let now = read(sku);
    let quantity = now.quantity.saturating_add(increase).saturating_sub(reduce);
    if quantity < 0 {
        return Err(StockError::BelowZero(quantity));
    }
    let total_quantity = now.total_quantity.saturating_add(increase).saturating_sub(reduce).max(quantity);
    let after = Stock { quantity, total_quantity };
    write(sku, after);
    Ok(after)
}

/// A user takes one card: one fewer left, the total unchanged.
pub(crate) fn take_one(card: &mut Value, ty: ObjectType) -> Result<Stock, StockError> {
    let sku = sku(card, ty)?;
    let now = read(sku);
    if now.quantity < 1 {
        return Err(StockError::BelowZero(now.quantity - 1));
    }
    let after = Stock { quantity: now.quantity - 1, total_quantity: now.total_quantity };
    write(sku, after);
    Ok(after)
}

/// The stock as it is, if the card keeps one.
pub(crate) fn current(card: &mut Value, ty: ObjectType) -> Option<Stock> {
    sku(card, ty).ok().map(|sku| read(sku))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::resources::object_type;

    fn card_type() -> ObjectType {
        object_type(crate::spec_table::operations(), "card").expect("the spec declares cards")
    }

    fn cash(quantity: i64) -> Value {
        json!({"card_type": "CASH", "cash": {"base_info": {"sku": {"quantity": quantity}}, "reduce_cost": 1}})
    }

    #[test]
    fn stock_goes_up_and_down_but_never_below_zero() {
        let mut card = cash(5);
        let after = modify(&mut card, card_type(), 10, 3).expect("within stock");
        assert_eq!(after, Stock { quantity: 12, total_quantity: 12 });
        assert_eq!(modify(&mut card, card_type(), 0, 13), Err(StockError::BelowZero(-1)));
        assert_eq!(
            card["cash"]["base_info"]["sku"],
            json!({"quantity": 12, "total_quantity": 12}),
            "unchanged"
        );
        assert_eq!(modify(&mut card, card_type(), 0, 12).map(|s| s.quantity), Ok(0));
    }

    #[test]
    fn taking_a_card_leaves_the_total_and_stops_at_zero() {
        let mut card = cash(1);
        assert_eq!(take_one(&mut card, card_type()), Ok(Stock { quantity: 0, total_quantity: 1 }));
        assert_eq!(take_one(&mut card, card_type()), Err(StockError::BelowZero(-1)));
        assert_eq!(current(&mut card, card_type()), Some(Stock { quantity: 0, total_quantity: 1 }));
        let mut no_sku = json!({"card_type": "CASH", "cash": {"base_info": {}}});
        assert_eq!(take_one(&mut no_sku, card_type()), Err(StockError::NoSku));
    }
}
