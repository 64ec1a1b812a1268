-- What each agent's substrate can do, as it last reported (at registration or on its stream): the
-- operators' answer to "why was this persona refused on that host". JSON, replaced as a whole.

ALTER TABLE agents ADD COLUMN capabilities TEXT;
