-- Outside voices (the bridge, part 2: docs/bridge.md "Following outside
-- voices"): employees search for someone outside by the address of their
-- profile page as well as by name@host, so that page is looked up too.
CREATE INDEX users_outside_url ON users (outside_url)
    WHERE outside_url IS NOT NULL;
