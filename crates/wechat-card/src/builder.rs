//! One builder for the client: `wechat_card::Client::builder()` configures the runtime
//! client underneath and builds this crate's [`Client`] from it.

use crate::Client;

impl Client {
    /// Starts configuring a client: the runtime's [`ClientBuilder`](wechat_core::ClientBuilder)
    /// (base URL, token provider, timeouts, retry policy), whose `build` gives this client.
    ///
    /// ```no_run
    /// use wechat_card::wechat_core::{Secret, StableToken};
    ///
    /// let client = wechat_card::Client::builder()
    ///     .token_provider(StableToken::new("wx6d6f636b64656d6f", Secret::new("the appsecret")))
    ///     .build()?;
    /// # let _: wechat_card::Client = client;
    /// # Ok::<(), wechat_card::wechat_core::BuildError>(())
    /// ```
    ///
    /// To share one runtime client (its connections and tokens) between this crate and
    /// operations sent directly, build a [`wechat_core::Client`] and wrap it with
    /// [`Client::new`].
    pub fn builder() -> wechat_core::ClientBuilder<Client> {
        wechat_core::ClientBuilder::default()
    }
}
