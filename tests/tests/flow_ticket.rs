//! Special tickets end to end through `wechat_card::Client` against wechat-mock: a passenger
//! takes a boarding pass and is checked in, moved to another seat and has the check-in cancelled; a guest's
//! meeting ticket and a viewer's movie ticket get their seats; each is kept on the user's code,
//! and a code nobody holds (or one redeemed) is refused.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod flow_support;

use flow_support::{Wechat, card};
use serde_json::{Value, json};
use wechat_card::card_code::ConsumeCodeRequest;
use wechat_card::ticket::{
    CheckInBoardingPassErrorCode, CheckInBoardingPassRequest, UpdateMeetingTicketErrorCode,
    UpdateMeetingTicketRequest, UpdateMovieTicketErrorCode, UpdateMovieTicketRequest,
};
use wechat_mock::user_actions::card::{ApproveCardParams, TakeCardParams};

const USER: &str = "oFS7Fjl0WsZ9AMZqrI80nbIq8xrA";

/// A card of `card_type`, approved, and the code `USER` took of it.
async fn taken(wechat: &Wechat, card_type: &str) -> (String, String) {
    let created = wechat.client.card().create_card(&card(card_type, 10, json!({}))).await.unwrap();
    wechat.act(&ApproveCardParams::new(&created.card_id));
    let take = TakeCardParams::builder().card_id(&created.card_id).openid(USER).build().unwrap();
    let code = wechat.act(&take)["code"].as_str().unwrap().to_owned();
    (created.card_id, code)
}

/// The code record the mock keeps for `code`.
fn kept(wechat: &Wechat, code: &str) -> Value {
    let codes = wechat.mock.records("code");
    codes.into_iter().find(|c| c["code"] == code).unwrap_or_else(|| panic!("no code {code} kept"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_boarding_pass_is_checked_in_moved_and_cancelled() {
    let wechat = Wechat::start().await;
    let client = wechat.client.clone();
    let (card_id, code) = taken(&wechat, "BOARDING_PASS").await;
    let check_in = |seat: &str| {
        CheckInBoardingPassRequest::new(code.as_str())
            .card_id(&card_id)
            .passenger_name("张三")
            .class("经济舱")
            .etkt_bnr("78120581412")
            .seat(seat)
            .qrcode_data("M1ZHANG/SAN")
    };
    assert_eq!(kept(&wechat, &code)["checked_in"], Value::Null, "taken, not checked in");
    client.ticket().check_in_boarding_pass(&check_in("21A")).await.unwrap();
    assert_eq!(kept(&wechat, &code)["checked_in"], true);
    assert_eq!(
        kept(&wechat, &code)["check_in"],
        json!({"passenger_name": "张三", "class": "经济舱", "etkt_bnr": "78120581412", "seat": "21A", "qrcode_data": "M1ZHANG/SAN"})
    );

    // A second check-in (another seat) replaces the first; a cancellation takes it off.
    client.ticket().check_in_boarding_pass(&check_in("3C")).await.unwrap();
    assert_eq!(kept(&wechat, &code)["check_in"]["seat"], "3C");
    let cancel = CheckInBoardingPassRequest::new(code.as_str()).card_id(&card_id).is_cancel(true);
    client.ticket().check_in_boarding_pass(&cancel).await.unwrap();
    assert_eq!(kept(&wechat, &code)["checked_in"], false);

    // A check-in without the passenger is refused before it is sent.
    let incomplete = CheckInBoardingPassRequest::new(code.as_str()).card_id(&card_id).seat("3C");
    assert!(client.ticket().check_in_boarding_pass(&incomplete).await.unwrap_err().api_code().is_none());

    // A code nobody holds, and one redeemed, are refused; nothing is written.
    let nobody = CheckInBoardingPassRequest::new("000000000000").card_id(&card_id).is_cancel(true);
    let refused = client.ticket().check_in_boarding_pass(&nobody).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(CheckInBoardingPassErrorCode::InvalidSerialCode));
    client.card_code().consume_code(&ConsumeCodeRequest::new(code.as_str()).card_id(&card_id)).await.unwrap();
    let refused = client.ticket().check_in_boarding_pass(&check_in("21A")).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(CheckInBoardingPassErrorCode::InvalidSerialCode));
    assert_eq!(
        (&kept(&wechat, &code)["checked_in"], &kept(&wechat, &code)["check_in"]["seat"]),
        (&json!(false), &json!("3C"))
    );
    wechat.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meeting_and_movie_tickets_keep_their_seats() {
    let wechat = Wechat::start().await;
    let client = wechat.client.clone();

    // A guest is seated, then moved: the times the move leaves out are kept.
    let (meeting, guest) = taken(&wechat, "MEETING_TICKET").await;
    let seat = UpdateMeetingTicketRequest::builder()
        .code(&guest)
        .card_id(&meeting)
        .zone("C区")
        .entrance("东北门")
        .seat_number("2排15号")
        .begin_time(1_700_000_000)
        .end_time(1_700_007_200)
        .build()
        .unwrap();
    client.ticket().update_meeting_ticket(&seat).await.unwrap();
    let moved = UpdateMeetingTicketRequest::builder()
        .code(&guest)
        .card_id(&meeting)
        .zone("A区")
        .entrance("南门")
        .seat_number("1排1号")
        .build()
        .unwrap();
    client.ticket().update_meeting_ticket(&moved).await.unwrap();
    assert_eq!(
        kept(&wechat, &guest)["ticket"],
        json!({"zone": "A区", "entrance": "南门", "seat_number": "1排1号", "begin_time": 1_700_000_000, "end_time": 1_700_007_200})
    );

    // A viewer's show and seats.
    let (movie, viewer) = taken(&wechat, "MOVIE_TICKET").await;
    let show = UpdateMovieTicketRequest::builder()
        .code(&viewer)
        .card_id(&movie)
        .ticket_class("4D")
        .show_time(1_408_493_192)
        .duration(120)
        .screening_room("5号影厅")
        .seat_number(vec!["5排14号".to_owned(), "5排15号".to_owned()])
        .build()
        .unwrap();
    client.ticket().update_movie_ticket(&show).await.unwrap();
    assert_eq!(
        kept(&wechat, &viewer)["ticket"],
        json!({"ticket_class": "4D", "show_time": 1_408_493_192, "duration": 120, "screening_room": "5号影厅", "seat_number": ["5排14号", "5排15号"]})
    );

    // Codes nobody holds are refused.
    let nobody = UpdateMeetingTicketRequest::builder()
        .code("000000000000")
        .zone("C区")
        .entrance("东北门")
        .seat_number("2排15号")
        .build()
        .unwrap();
    let refused = client.ticket().update_meeting_ticket(&nobody).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(UpdateMeetingTicketErrorCode::InvalidSerialCode));
    let nobody = UpdateMovieTicketRequest::builder()
        .code("000000000000")
        .card_id(&movie)
        .ticket_class("2D")
        .show_time(1_408_493_192)
        .duration(90)
        .build()
        .unwrap();
    let refused = client.ticket().update_movie_ticket(&nobody).await.unwrap_err();
    assert_eq!(refused.api_code(), Some(UpdateMovieTicketErrorCode::InvalidSerialCode));
    wechat.stop().await;
}
