--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: access_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.access_keys (
    access_key text NOT NULL COLLATE pg_catalog."C",
    user_id text NOT NULL COLLATE pg_catalog."C",
    sealed_secret text NOT NULL,
    description text NOT NULL,
    created_at bigint NOT NULL,
    last_used_at bigint
);


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    seq bigint NOT NULL,
    at bigint NOT NULL,
    project_id text COLLATE pg_catalog."C",
    user_id text COLLATE pg_catalog."C",
    user_name text,
    action text NOT NULL COLLATE pg_catalog."C",
    target text COLLATE pg_catalog."C",
    source text NOT NULL COLLATE pg_catalog."C",
    status integer NOT NULL,
    outcome text NOT NULL COLLATE pg_catalog."C",
    replica text NOT NULL COLLATE pg_catalog."C",
    detail text
);


--
-- Name: audit_log_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.audit_log ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_log_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: installation; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.installation (
    id text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: instance_counts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.instance_counts (
    project_id text NOT NULL COLLATE pg_catalog."C",
    user_id text NOT NULL COLLATE pg_catalog."C",
    workspace_id text NOT NULL COLLATE pg_catalog."C",
    flavor text NOT NULL COLLATE pg_catalog."C",
    status text NOT NULL COLLATE pg_catalog."C",
    n integer NOT NULL
);


--
-- Name: instance_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.instance_events (
    seq bigint NOT NULL,
    instance_id text NOT NULL COLLATE pg_catalog."C",
    project_id text NOT NULL COLLATE pg_catalog."C",
    at bigint NOT NULL,
    kind text NOT NULL COLLATE pg_catalog."C",
    from_status text COLLATE pg_catalog."C",
    to_status text COLLATE pg_catalog."C",
    by_user text NOT NULL COLLATE pg_catalog."C",
    replica text NOT NULL COLLATE pg_catalog."C",
    detail text
);


--
-- Name: instance_events_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.instance_events ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.instance_events_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: instances; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.instances (
    id text NOT NULL COLLATE pg_catalog."C",
    project_id text NOT NULL COLLATE pg_catalog."C",
    user_id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    status text NOT NULL COLLATE pg_catalog."C",
    flavor text NOT NULL COLLATE pg_catalog."C",
    workspace_id text NOT NULL COLLATE pg_catalog."C",
    ai_project_id text NOT NULL COLLATE pg_catalog."C",
    pool_id text COLLATE pg_catalog."C",
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    version integer NOT NULL,
    doc text NOT NULL,
    stop_at bigint,
    reserved_at bigint,
    resting_since bigint
);


--
-- Name: kysely_migration; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kysely_migration (
    name character varying(255) NOT NULL,
    "timestamp" character varying(255) NOT NULL
);


--
-- Name: kysely_migration_lock; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kysely_migration_lock (
    id character varying(255) NOT NULL,
    is_locked integer DEFAULT 0 NOT NULL
);


--
-- Name: leases; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.leases (
    name text NOT NULL COLLATE pg_catalog."C",
    holder text COLLATE pg_catalog."C",
    expires_at bigint NOT NULL
);


--
-- Name: projects; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.projects (
    id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    domain text NOT NULL COLLATE pg_catalog."C",
    description text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: role_assignments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.role_assignments (
    project_id text NOT NULL COLLATE pg_catalog."C",
    user_id text NOT NULL COLLATE pg_catalog."C",
    role text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tokens (
    hash text NOT NULL COLLATE pg_catalog."C",
    user_id text NOT NULL COLLATE pg_catalog."C",
    project_id text NOT NULL COLLATE pg_catalog."C",
    issued_at bigint NOT NULL,
    expires_at bigint NOT NULL
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    domain text NOT NULL COLLATE pg_catalog."C",
    password_hash text NOT NULL,
    is_system_admin integer NOT NULL,
    enabled integer NOT NULL,
    created_at bigint NOT NULL
);


--
-- Data for Name: access_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.access_keys (access_key, user_id, sealed_secret, description, created_at, last_used_at) FROM stdin;
QVK7HEKHBS0B80PJD9GW	11da8649d82dd78ccca67d7d296bd9de	sealed:v2:3253eade323e:BZ_wxwL6iS0EYgjhYultUHvAHO0Zqp0c4DtZN9krx-RFixLMw_etgVLvifJ_iAp_RMJlSnMSbDnWpXpBKHIr_g5Gi68	fixture key of admin	1796487851366	\N
MSNO0RD6SI19MG9YO52C	b518c78396d5c03e9929c5af4f6d22b5	sealed:v2:3253eade323e:IcTOYE8fPjEdu6quiaE8OEko857Qsh4Bv52Zp71rlnF9J3nBGiPP8NQgUf0OUkvGmmXTuN3H8IjoYqXijjXYpPMtxXM	fixture key of alice	1796487851379	\N
WD4SJ7TBP2WE2W3I2Z4E	cf0b535bc1be49e86dfc0b62b7804965	sealed:v2:3253eade323e:zUdfsYtO3_GunJYP084W3TBC6Qqct2tReAa-Hvh7fJaRdBbsz7t_h0ZRTm33OKOiDsO2fACXUMjINtjhBK-hvA6uHsM	fixture key of bob	1796487851391	\N
\.


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_log (seq, at, project_id, user_id, user_name, action, target, source, status, outcome, replica, detail) FROM stdin;
1	1796487850957	\N	\N	\N	POST /v3/auth/tokens	\N	127.0.0.1	201	success	vm-3ed7ad64	{"user":"admin"}
2	1796487851016	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v3/projects	\N	127.0.0.1	201	success	vm-3ed7ad64	\N
3	1796487851215	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v3/users	\N	127.0.0.1	201	success	vm-3ed7ad64	\N
4	1796487851228	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	PUT /v3/projects/{project_id}/users/{user_id}/roles/{role_id}	b518c78396d5c03e9929c5af4f6d22b5	127.0.0.1	204	success	vm-3ed7ad64	\N
5	1796487851258	88b438b38a0a5a6e48b74f89e6e3c95b	11da8649d82dd78ccca67d7d296bd9de	admin	PUT /v3/projects/{project_id}/users/{user_id}/roles/{role_id}	b518c78396d5c03e9929c5af4f6d22b5	127.0.0.1	204	success	vm-3ed7ad64	\N
6	1796487851344	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v3/users	\N	127.0.0.1	201	success	vm-3ed7ad64	\N
7	1796487851356	88b438b38a0a5a6e48b74f89e6e3c95b	11da8649d82dd78ccca67d7d296bd9de	admin	PUT /v3/projects/{project_id}/users/{user_id}/roles/{role_id}	cf0b535bc1be49e86dfc0b62b7804965	127.0.0.1	204	success	vm-3ed7ad64	\N
8	1796487851369	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v3.0/OS-CREDENTIAL/credentials	\N	127.0.0.1	201	success	vm-3ed7ad64	\N
9	1796487851381	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v3.0/OS-CREDENTIAL/credentials	\N	127.0.0.1	201	success	vm-3ed7ad64	\N
10	1796487851393	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v3.0/OS-CREDENTIAL/credentials	\N	127.0.0.1	201	success	vm-3ed7ad64	\N
11	1796487851478	\N	\N	\N	POST /v3/auth/tokens	\N	127.0.0.1	201	success	vm-3ed7ad64	{"user":"alice"}
12	1796487851530	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
13	1796487851585	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
14	1796487851638	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
15	1796487851682	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
16	1796487851723	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
17	1796487851762	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-3694dff1-6bda-4000-beff-176dec3099a9	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
18	1796487851819	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-3694dff1-6bda-4000-beff-176dec3099a9	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
19	1796487851861	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-3694dff1-6bda-4000-beff-176dec3099a9	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
20	1796487851899	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
21	1796487851939	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-0e4f5934-2038-4fda-a20d-644fa8240539	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
22	1796487851987	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-0e4f5934-2038-4fda-a20d-644fa8240539	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
23	1796487852048	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-0e4f5934-2038-4fda-a20d-644fa8240539	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
24	1796487852099	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
25	1796487852152	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
26	1796487852218	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
27	1796487852263	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
28	1796487852311	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
29	1796487852354	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-63756158-850c-4a92-b678-f82cd3e9677b	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
30	1796487852400	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-63756158-850c-4a92-b678-f82cd3e9677b	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
31	1796487852453	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-63756158-850c-4a92-b678-f82cd3e9677b	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
32	1796487852506	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
33	1796487852592	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
34	1796487852648	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
35	1796487852709	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
36	1796487852764	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
37	1796487852817	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
38	1796487852863	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
39	1796487852906	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
40	1796487852993	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
42	1796487853081	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
43	1796487853143	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
41	1796487853044	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
44	1796487853200	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
45	1796487853242	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
46	1796487853303	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
47	1796487853343	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
48	1796487853382	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
49	1796487853428	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
50	1796487853483	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
51	1796487853529	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
52	1796487853586	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
53	1796487853658	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
54	1796487853711	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
55	1796487853763	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
56	1796487853817	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
57	1796487853887	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
58	1796487853946	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
59	1796487854023	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
60	1796487854078	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
61	1796487854121	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
62	1796487854166	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
63	1796487854244	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
64	1796487854309	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
65	1796487854361	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
66	1796487854410	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
67	1796487854460	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
68	1796487854543	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
69	1796487854596	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances	\N	127.0.0.1	200	success	vm-3ed7ad64	\N
70	1796487854642	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
71	1796487854693	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	127.0.0.1	200	success	vm-3ed7ad64	{"action":"start"}
72	1796487854767	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	alice	POST /v1/{project_id}/demanager/instances/{instance_id}/action	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	127.0.0.1	200	success	vm-3ed7ad64	{"action":"stop"}
\.


--
-- Data for Name: installation; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.installation (id) FROM stdin;
a390d809-c6f8-4a58-87b3-cea7a7502d66
\.


--
-- Data for Name: instance_counts; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.instance_counts (project_id, user_id, workspace_id, flavor, status, n) FROM stdin;
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	STOPPING	1
88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	0	modelarts.vm.cpu.2u	UNAVAILABLE	1
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	DELETED	1
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	RESIZING	1
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	RUNNING	1
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	RESIZE_FAILED	1
88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	0	modelarts.vm.cpu.2u	CREATING	0
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	STOPPED	1
88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	0	modelarts.vm.cpu.2u	DELETING	1
88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	0	modelarts.vm.cpu.2u	STOPPED	0
88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	0	modelarts.vm.cpu.2u	STARTING	0
88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	0	modelarts.vm.cpu.2u	RUNNING	0
88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	0	modelarts.vm.cpu.2u	STOPPING	0
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	CREATE_QUEUING	1
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	CREATING	1
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	CREATE_FAILED	1
88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	0	modelarts.vm.cpu.2u	START_QUEUING	1
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	READY_TO_START	1
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	STARTING	1
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	0	modelarts.vm.cpu.2u	RESTARTING	1
88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	0	modelarts.vm.cpu.2u	START_FAILED	1
\.


--
-- Data for Name: instance_events; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.instance_events (seq, instance_id, project_id, at, kind, from_status, to_status, by_user, replica, detail) FROM stdin;
1	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	1796487851504	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
2	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	1796487851522	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
3	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	1796487851548	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
4	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	1796487851577	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
5	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	1796487851590	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
6	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	1796487851631	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
7	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	1796487851642	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
8	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	1796487851676	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
9	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	1796487851685	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
10	DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	1796487851717	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
11	DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	1796487851722	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
12	DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	1796487851735	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
13	DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	1796487851757	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
14	DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	1796487851765	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
15	DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	1796487851808	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
16	DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	1796487851822	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
17	DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	1796487851856	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
18	DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	1796487851862	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
19	DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	1796487851894	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
20	DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	1796487851899	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
21	DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	1796487851908	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
22	DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	1796487851932	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
23	DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	1796487851944	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
24	DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	1796487851980	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
25	DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	1796487851993	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
26	DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	1796487852033	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
27	DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	1796487852051	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
28	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852092	create	\N	CREATING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
29	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852102	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
30	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852116	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
31	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852139	stop	RUNNING	STOPPING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
32	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852154	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
33	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852197	start	STOPPED	STARTING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
34	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852224	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
35	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852258	stop	RUNNING	STOPPING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
36	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852266	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
37	DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	1796487852306	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
38	DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	1796487852312	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
39	DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	1796487852322	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
40	DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	1796487852350	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
41	DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	1796487852356	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
42	DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	1796487852395	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
43	DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	1796487852406	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
44	DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	1796487852443	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
49	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	1796487852575	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
45	DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	1796487852459	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
46	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	1796487852495	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
47	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	1796487852506	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
48	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	1796487852528	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
50	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	1796487852598	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
51	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	1796487852639	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
52	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	1796487852651	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
53	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	1796487852695	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
54	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	1796487852717	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
55	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	1796487852756	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
56	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	1796487852764	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
57	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	1796487852779	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
58	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	1796487852803	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
59	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	1796487852822	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
60	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	1796487852855	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
61	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	1796487852867	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
62	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	1796487852898	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
63	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	1796487852913	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
64	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852986	create	\N	CREATING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
65	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	1796487852994	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
66	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853007	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
67	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853039	stop	RUNNING	STOPPING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
68	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853046	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
69	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853077	start	STOPPED	STARTING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
70	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853085	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
71	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853136	stop	RUNNING	STOPPING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
72	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853146	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
73	DE-2b495117-c399-4faa-8d99-e3c945b35a34	81e6c34dae610b18110dcf7d531e033c	1796487853184	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
74	DE-2b495117-c399-4faa-8d99-e3c945b35a34	81e6c34dae610b18110dcf7d531e033c	1796487853207	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
75	DE-2b495117-c399-4faa-8d99-e3c945b35a34	81e6c34dae610b18110dcf7d531e033c	1796487853217	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
76	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	1796487853235	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
77	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	1796487853244	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
78	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	1796487853257	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
79	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	1796487853291	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
80	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	1796487853305	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
81	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	1796487853339	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
82	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	1796487853346	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
83	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	1796487853377	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
84	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	1796487853386	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
85	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	81e6c34dae610b18110dcf7d531e033c	1796487853420	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
86	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	81e6c34dae610b18110dcf7d531e033c	1796487853433	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
87	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	81e6c34dae610b18110dcf7d531e033c	1796487853442	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
88	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	81e6c34dae610b18110dcf7d531e033c	1796487853468	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
89	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	81e6c34dae610b18110dcf7d531e033c	1796487853491	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
90	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	81e6c34dae610b18110dcf7d531e033c	1796487853523	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
91	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	81e6c34dae610b18110dcf7d531e033c	1796487853532	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
92	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	81e6c34dae610b18110dcf7d531e033c	1796487853575	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
93	DE-50f41287-0969-4c6c-aee8-bb2372504e9c	81e6c34dae610b18110dcf7d531e033c	1796487853590	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
94	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853633	create	\N	CREATING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
95	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853660	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
96	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853671	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
97	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853700	stop	RUNNING	STOPPING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
98	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853719	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
99	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853757	start	STOPPED	STARTING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
100	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853765	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
101	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853807	stop	RUNNING	STOPPING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
102	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	1796487853828	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
103	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	1796487853877	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
104	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	1796487853889	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
105	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	1796487853909	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
106	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	1796487853934	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
107	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	1796487853963	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
108	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	1796487854013	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
109	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	1796487854039	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
110	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	1796487854070	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
111	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	1796487854080	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
112	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	1796487854113	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
113	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	1796487854122	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
114	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	1796487854133	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
115	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	1796487854156	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
116	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	1796487854176	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
117	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	1796487854232	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
118	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	1796487854248	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
119	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	1796487854299	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
120	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	1796487854316	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
121	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	1796487854354	create	\N	CREATING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
122	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	1796487854365	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
123	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	1796487854380	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
124	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	1796487854403	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
125	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	1796487854416	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
126	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	1796487854451	start	STOPPED	STARTING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
127	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	1796487854462	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
128	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	1796487854534	stop	RUNNING	STOPPING	11da8649d82dd78ccca67d7d296bd9de	vm-3ed7ad64	\N
129	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	1796487854548	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
130	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	1796487854587	create	\N	CREATING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
131	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	1796487854597	transition	CREATING	STARTING	system	vm-3ed7ad64	\N
132	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	1796487854622	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
133	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	1796487854636	stop	RUNNING	STOPPING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
134	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	1796487854643	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
135	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	1796487854687	start	STOPPED	STARTING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
136	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	1796487854708	transition	STARTING	RUNNING	system	vm-3ed7ad64	\N
137	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	1796487854758	stop	RUNNING	STOPPING	b518c78396d5c03e9929c5af4f6d22b5	vm-3ed7ad64	\N
138	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	1796487854779	transition	STOPPING	STOPPED	system	vm-3ed7ad64	\N
139	DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	1796487855053	transition	STOPPED	CREATE_QUEUING	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
140	DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	1796487855068	transition	STOPPED	CREATING	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
141	DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	1796487855081	transition	STOPPED	CREATE_FAILED	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
142	DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	1796487855090	transition	STOPPED	START_QUEUING	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
143	DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	1796487855099	transition	STOPPED	READY_TO_START	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
144	DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	1796487855109	transition	STOPPED	STARTING	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
145	DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	1796487855120	transition	STOPPED	RESTARTING	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
146	DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	1796487855132	transition	STOPPED	START_FAILED	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
147	DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	1796487855150	transition	STOPPED	STOPPING	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
148	DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	1796487855168	transition	STOPPED	UNAVAILABLE	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
149	DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	1796487855181	transition	STOPPED	DELETED	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
150	DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	1796487855197	transition	STOPPED	RESIZING	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
151	DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	1796487855208	transition	STOPPED	RESIZE_FAILED	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
152	DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	1796487855212	transition	STOPPED	DELETING	system	make-release-fixture	{"fixture":"status set by make-release-fixture"}
\.


--
-- Data for Name: instances; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.instances (id, project_id, user_id, name, status, flavor, workspace_id, ai_project_id, pool_id, created_at, updated_at, version, doc, stop_at, reserved_at, resting_since) FROM stdin;
DE-29734d62-86d0-4d10-bee5-2ce7d39f634d	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-create-queuing	CREATE_QUEUING	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487851503	1796487855053	10	{"id":"DE-29734d62-86d0-4d10-bee5-2ce7d39f634d","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-create-queuing","description":"was CREATE_QUEUING when 0.1.0 stopped","status":"CREATE_QUEUING","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":true,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:fh1xxtipciPnpWa5BQuh_Zh2dvzBFLvaMM4szlNkvVsLa4s6HYeknJm6IKFA"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:KLNJotmad2Kj904tqLjQibYKFM0kI9i8kBOg8jNggHOhBDOUzE_W8pjWjg"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487851676,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487851503,"updatedAt":1796487855053,"version":10,"idleSince":1796487851685}	\N	\N	\N
DE-3694dff1-6bda-4000-beff-176dec3099a9	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-creating	CREATING	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487851716	1796487855068	10	{"id":"DE-3694dff1-6bda-4000-beff-176dec3099a9","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-creating","description":"was CREATING when 0.1.0 stopped","status":"CREATING","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":false,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:GPJHE61FXKdQ72UwaRWyUNPmlDpdGoIZM7BIvOzJ0Nvjk2UQllWkL8lBlz1Q"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:ZQ7WkcGSygJq_LLEFZb7vzaYmqmMHvfZj0UPhxqYjM7ZCYSNPRLqW_t7Ew"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487851856,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487851716,"updatedAt":1796487855068,"version":10,"idleSince":1796487851862}	\N	\N	\N
DE-0e4f5934-2038-4fda-a20d-644fa8240539	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-create-failed	CREATE_FAILED	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487851894	1796487855081	10	{"id":"DE-0e4f5934-2038-4fda-a20d-644fa8240539","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-create-failed","description":"was CREATE_FAILED when 0.1.0 stopped","status":"CREATE_FAILED","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":true,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:kr1KVweUCB5FLa4EFELqj1K1FMeDqMe9vKee-q7nN59Nbi3G3Jl7m0C8Sf_T"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:M5nf5k5jqU__YA0IrtJdkBWXLfYGZ0cAYZ0KkmIAZ2trK76koS6UpYrNAA"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487852033,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487851894,"updatedAt":1796487855081,"version":10,"idleSince":1796487852051}	\N	\N	1796487852051
DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	fixture-start-queuing	START_QUEUING	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487852092	1796487855090	10	{"id":"DE-430187be-fc9a-4dca-b0fe-b5cb23a80eab","projectId":"88b438b38a0a5a6e48b74f89e6e3c95b","user":{"id":"b518c78396d5c03e9929c5af4f6d22b5","name":"alice"},"name":"fixture-start-queuing","description":"was START_QUEUING when 0.1.0 stopped","status":"START_QUEUING","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":false,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:oY5pY_KRgP_zRgbtYJ2o4y_NmXtUS6bd5EYC9caAMRY1DGMkPKZZ-GTS0JG4"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:Fto1UmsiciPm0f_5GpdvUjWK9L__CnBr1DH8nqEOPxdkyCLkd_usLjy7oA"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487852258,"by":"b518c78396d5c03e9929c5af4f6d22b5"},"createdAt":1796487852092,"updatedAt":1796487855090,"version":10,"idleSince":1796487852266}	\N	\N	\N
DE-63756158-850c-4a92-b678-f82cd3e9677b	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-ready-to-start	READY_TO_START	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487852305	1796487855099	10	{"id":"DE-63756158-850c-4a92-b678-f82cd3e9677b","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-ready-to-start","description":"was READY_TO_START when 0.1.0 stopped","status":"READY_TO_START","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":true,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:JMc_lS6o9TR34re6pDkpfHK0COlyVsI5nV3eb9crZipis694uh4WCBZ2RrB6"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:H0TsTsCtBW_Jrjdf3MEqavh2prT9ofJx7mQlf4mPjvGqQuGxhVNVG9fiMw"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487852443,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487852305,"updatedAt":1796487855099,"version":10,"idleSince":1796487852459}	\N	\N	\N
DE-768e144d-e742-4005-b4c8-daa7c4c4451e	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-starting	STARTING	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487852495	1796487855109	10	{"id":"DE-768e144d-e742-4005-b4c8-daa7c4c4451e","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-starting","description":"was STARTING when 0.1.0 stopped","status":"STARTING","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":false,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:0Xo_Ioy-a-skTMxEyfQ1J0u-tYCR99yyFMCVgpKiKHI0oBiUFjWVWHs15Ru7"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:OYxP1AfiddMpwOFsoysl5E2xsQLD286Qjp4RFkOrhrLm37qTWqkjG2Ejtw"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487852695,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487852495,"updatedAt":1796487855109,"version":10,"idleSince":1796487852717}	\N	\N	\N
DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-restarting	RESTARTING	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487852756	1796487855120	10	{"id":"DE-c044312b-51f6-4d5f-9c9c-7c450b4a74d7","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-restarting","description":"was RESTARTING when 0.1.0 stopped","status":"RESTARTING","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":true,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:NyKNn7AnAsRpvLATVyoAe2Lw2IqZbpfd0rNrh0bV9Je802k3-hxO4byGdly9"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:Dr4V3m8Per4rV3wBi0u8oOAQYgJfh8Rd__a_5xp3YEncrqee6n4C7XA1-Q"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487852898,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487852756,"updatedAt":1796487855120,"version":10,"idleSince":1796487852913}	\N	\N	\N
DE-2b495117-c399-4faa-8d99-e3c945b35a34	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-running	RUNNING	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487853183	1796487853217	3	{"id":"DE-2b495117-c399-4faa-8d99-e3c945b35a34","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-running","description":"was RUNNING when 0.1.0 stopped","status":"RUNNING","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":true,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:bDcPBzP2Bp0HO67LHLQGJuMRSKJPEFdggFuFbg4Fje5u0TotlG9jzPuyLxe6"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:6RZwEdk0dNxdC5deU0AWiYdVCfrUoP-XPGwGbG05Bc_8OILrNta59zBO-g"}},"failedReasons":null,"errorCode":null,"stopAt":1796491453217,"reservedAt":null,"queuedAt":null,"runtime":{"endpoint":null,"data":{"simulated":true,"runId":"bb63a99b8cd2dabb","startedAt":1796487853217}},"prepared":true,"intent":{"kind":"create","at":1796487853183,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487853183,"updatedAt":1796487853217,"version":3,"idleSince":null}	1796491453217	\N	\N
DE-391dfce9-65e5-4499-a755-e1dfd6551bd9	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	fixture-start-failed	START_FAILED	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487852986	1796487855132	10	{"id":"DE-391dfce9-65e5-4499-a755-e1dfd6551bd9","projectId":"88b438b38a0a5a6e48b74f89e6e3c95b","user":{"id":"b518c78396d5c03e9929c5af4f6d22b5","name":"alice"},"name":"fixture-start-failed","description":"was START_FAILED when 0.1.0 stopped","status":"START_FAILED","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":false,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:MrJ6h6uw3VXChlGnW7L6wa-pbeeFL_XOGAr5x-zsJDA0KVeozwtuscMg7Mgn"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:3MmAXhUhbpwG3ccbEtsxNVdxLt5jVXE-89ism7QszaT6fZcz8alcnrGbjQ"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487853136,"by":"b518c78396d5c03e9929c5af4f6d22b5"},"createdAt":1796487852986,"updatedAt":1796487855132,"version":10,"idleSince":1796487853146}	\N	\N	1796487853146
DE-e003424d-cc0d-4430-947c-6cc0920d58ac	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-stopping	STOPPING	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487853235	1796487855150	10	{"id":"DE-e003424d-cc0d-4430-947c-6cc0920d58ac","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-stopping","description":"was STOPPING when 0.1.0 stopped","status":"STOPPING","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":false,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:DRbOI7OGNE1VGQao2bi1HTcnqI9L2PoDFlBHMOjbxzvcGeOMW_RRh2n8ICbV"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:b6SlSQGKkJZ8DqijgTwS355XYqsbQOBntt4_WsB7gUlBe_e_-lBaakLxKQ"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487853377,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487853235,"updatedAt":1796487855150,"version":10,"idleSince":1796487853386}	\N	\N	\N
DE-50f41287-0969-4c6c-aee8-bb2372504e9c	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-stopped	STOPPED	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487853420	1796487853590	9	{"id":"DE-50f41287-0969-4c6c-aee8-bb2372504e9c","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-stopped","description":"was STOPPED when 0.1.0 stopped","status":"STOPPED","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":true,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:3Ray5xBU0JXac_gIhRI0ArWTq1NbA2-iWLDn4VgMgWEAGDfx-W7Rr281gssdPQ"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:2kbBgDV0KoxubkekU8wsoW2RdYeWuzxPIiozCYZCr3E-hZ6ot9VLArTvgXg"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487853575,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487853420,"updatedAt":1796487853590,"version":9,"idleSince":1796487853590}	\N	\N	1796487853590
DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	fixture-unavailable	UNAVAILABLE	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487853632	1796487855168	10	{"id":"DE-56cf8cc1-747f-4298-a51e-00ebaffeeb14","projectId":"88b438b38a0a5a6e48b74f89e6e3c95b","user":{"id":"b518c78396d5c03e9929c5af4f6d22b5","name":"alice"},"name":"fixture-unavailable","description":"was UNAVAILABLE when 0.1.0 stopped","status":"UNAVAILABLE","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":false,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:H7pR9S4Znqz7-uVkGUcFqP6-R43srkrqals-hSlOmKNggOwaXCVvNglI3t8Sog"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:jZ_olf_VJ7xhnfDhpuxsYRUG2xEc4ivJj-O0_qoM6KN4CKbMr3cAb7wZrcw"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487853807,"by":"b518c78396d5c03e9929c5af4f6d22b5"},"createdAt":1796487853632,"updatedAt":1796487855168,"version":10,"idleSince":1796487853828}	\N	\N	1796487853828
DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-resizing	RESIZING	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487854113	1796487855197	10	{"id":"DE-8df1adc1-61a8-4fd8-bdd6-9ef7ed70be7a","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-resizing","description":"was RESIZING when 0.1.0 stopped","status":"RESIZING","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":false,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:WzTy8yML3JB7RBhuiL5YUxJjvuW4gXxj5cYbJ3W9ipX5fbUuafeYXscVxJu2aQ"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:1oSH1HiqN-ULvBCHbmaVU9ssQ0hKY6jtxCFvO2IurX5YFG8sNmroGgyeMco"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487854299,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487854113,"updatedAt":1796487855197,"version":10,"idleSince":1796487854316}	\N	\N	\N
DE-234fcf50-5396-4c72-afa1-e068c8c6ed57	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-deleted	DELETED	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487853877	1796487855181	10	{"id":"DE-234fcf50-5396-4c72-afa1-e068c8c6ed57","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-deleted","description":"was DELETED when 0.1.0 stopped","status":"DELETED","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":true,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:K4yDINyxfGRUEmO37Lr7PPf3Dh7DfQ24XKnC7pknuaNL5MYwOQiS1i7xT-Jlrw"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:Xqnnu0nitGIqI4EGWQHoIjJA5xYRr9vG0aXqcvTUzVm4RA778BygxWLs9gg"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487854070,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487853877,"updatedAt":1796487855181,"version":10,"idleSince":1796487854080}	\N	\N	\N
DE-e51db3a9-c921-42f4-ae38-c2d473915a94	81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	fixture-resize-failed	RESIZE_FAILED	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487854354	1796487855208	10	{"id":"DE-e51db3a9-c921-42f4-ae38-c2d473915a94","projectId":"81e6c34dae610b18110dcf7d531e033c","user":{"id":"11da8649d82dd78ccca67d7d296bd9de","name":"admin"},"name":"fixture-resize-failed","description":"was RESIZE_FAILED when 0.1.0 stopped","status":"RESIZE_FAILED","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":true,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:QyFVIlXOA17jQR3yaIhZK5TdV-f8YUD74ZV1J5rba3Uwf2onDzbO6QKqreaVJQ"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:o9XypuBDpDtHXyKvxtDmRDqB5iGYrrkBAzYDhO3nCaHXvbiqRROIadu-a2U"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487854534,"by":"11da8649d82dd78ccca67d7d296bd9de"},"createdAt":1796487854354,"updatedAt":1796487855208,"version":10,"idleSince":1796487854548}	\N	\N	1796487854548
DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd	88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	fixture-deleting	DELETING	modelarts.vm.cpu.2u	0	default-ai-project	\N	1796487854582	1796487855212	10	{"id":"DE-0903742c-d2d3-4c44-9fbf-7684d8d047fd","projectId":"88b438b38a0a5a6e48b74f89e6e3c95b","user":{"id":"b518c78396d5c03e9929c5af4f6d22b5","name":"alice"},"name":"fixture-deleting","description":"was DELETING when 0.1.0 stopped","status":"DELETING","profileId":"Multi-Engine 1.0 (python3)-cpu","flavor":"modelarts.vm.cpu.2u","workspaceId":"0","aiProjectId":"default-ai-project","pool":null,"spec":{"storage":{"type":"evs","location":{"volume_size":5}},"auto_stop":{"enable":false,"duration":3600,"prompt":true},"annotations":{},"extend_storage":null,"repository":{"connection_info":{"protocol":"https","url":"https://git.example/fixture.git","credential":{"ssh_private_key":"sealed:v2:84faf466ade8:QzJSkFsDtS6HKn3kKkel94IBMuSs3hiuwre2ZaIVFJrPVDrerUG0L4LoHvX2cQ"}}},"custom_script_path":null,"log_path":null,"extend_params":null,"credential":{"access_token":"sealed:v2:84faf466ade8:7pXwk2tx3VKZi3StUX-pbYhpAofSYJU4-9nlJ3KUFylZFyCZXtMcjX9a4Bk"}},"failedReasons":null,"errorCode":null,"stopAt":null,"reservedAt":null,"queuedAt":null,"runtime":null,"prepared":true,"intent":{"kind":"stop","at":1796487854758,"by":"b518c78396d5c03e9929c5af4f6d22b5"},"createdAt":1796487854582,"updatedAt":1796487855212,"version":10,"idleSince":1796487854779}	\N	\N	\N
\.


--
-- Data for Name: kysely_migration; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.kysely_migration (name, "timestamp") FROM stdin;
0001-initial	2026-12-05T16:24:10.107Z
0002-events-and-leases	2026-12-05T16:24:10.128Z
0003-due-times	2026-12-05T16:24:10.138Z
0004-access-keys	2026-12-05T16:24:10.145Z
0005-audit-log	2026-12-05T16:24:10.155Z
0006-instance-counts	2026-12-05T16:24:10.164Z
0007-changes-since	2026-12-05T16:24:10.167Z
0008-installation	2026-12-05T16:24:10.173Z
0009-no-status-index	2026-12-05T16:24:10.175Z
\.


--
-- Data for Name: kysely_migration_lock; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.kysely_migration_lock (id, is_locked) FROM stdin;
migration_lock	0
\.


--
-- Data for Name: leases; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.leases (name, holder, expires_at) FROM stdin;
controller	\N	1796487863794
\.


--
-- Data for Name: projects; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.projects (id, name, domain, description, created_at) FROM stdin;
81e6c34dae610b18110dcf7d531e033c	default	default	Created on first start	1796487850228
88b438b38a0a5a6e48b74f89e6e3c95b	research	default	fixture project	1796487851000
\.


--
-- Data for Name: role_assignments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.role_assignments (project_id, user_id, role) FROM stdin;
81e6c34dae610b18110dcf7d531e033c	11da8649d82dd78ccca67d7d296bd9de	admin
81e6c34dae610b18110dcf7d531e033c	b518c78396d5c03e9929c5af4f6d22b5	member
88b438b38a0a5a6e48b74f89e6e3c95b	b518c78396d5c03e9929c5af4f6d22b5	admin
88b438b38a0a5a6e48b74f89e6e3c95b	cf0b535bc1be49e86dfc0b62b7804965	member
\.


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tokens (hash, user_id, project_id, issued_at, expires_at) FROM stdin;
05da1cc5b82e220eb0a7693ff9ca55cdca3dfd8d07fc0d5f9dc81607352adb8e	11da8649d82dd78ccca67d7d296bd9de	81e6c34dae610b18110dcf7d531e033c	1796487850947	1796574250947
13c75dd05097a0d4d7f48ed9b725e6157d43a1f9a518059208cb0bc531ae0eff	b518c78396d5c03e9929c5af4f6d22b5	88b438b38a0a5a6e48b74f89e6e3c95b	1796487851475	1796574251475
\.


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.users (id, name, domain, password_hash, is_system_admin, enabled, created_at) FROM stdin;
11da8649d82dd78ccca67d7d296bd9de	admin	default	scrypt$16384$8$1$3SNx57u8VCdSeLGA1s7tuA$XOTeqpJDkcKpemMgdq-6ZqEmjHKSBxd1wFbpCzTbaII	1	1	1796487850329
b518c78396d5c03e9929c5af4f6d22b5	alice	default	scrypt$16384$8$1$wMhWdoYgZqUyZete3NvEwA$SU4qN2khO6RNE574jUR2zvbbk3rj15EBY_FRrtpK8Qw	0	1	1796487851212
cf0b535bc1be49e86dfc0b62b7804965	bob	default	scrypt$16384$8$1$DsRSdUoku_78XGTDxYVfow$GhYCZPX2JiUpdT0EolupyA6W7XC4qLYKbRe_ORybUjY	0	1	1796487851341
\.


--
-- Name: audit_log_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_log_seq_seq', 72, true);


--
-- Name: instance_events_seq_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.instance_events_seq_seq', 152, true);


--
-- Name: access_keys access_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.access_keys
    ADD CONSTRAINT access_keys_pkey PRIMARY KEY (access_key);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (seq);


--
-- Name: installation installation_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.installation
    ADD CONSTRAINT installation_pkey PRIMARY KEY (id);


--
-- Name: instance_counts instance_counts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.instance_counts
    ADD CONSTRAINT instance_counts_pkey PRIMARY KEY (project_id, user_id, workspace_id, flavor, status);


--
-- Name: instance_events instance_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.instance_events
    ADD CONSTRAINT instance_events_pkey PRIMARY KEY (seq);


--
-- Name: instances instances_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.instances
    ADD CONSTRAINT instances_pkey PRIMARY KEY (id);


--
-- Name: instances instances_project_id_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.instances
    ADD CONSTRAINT instances_project_id_name_key UNIQUE (project_id, name);


--
-- Name: kysely_migration_lock kysely_migration_lock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kysely_migration_lock
    ADD CONSTRAINT kysely_migration_lock_pkey PRIMARY KEY (id);


--
-- Name: kysely_migration kysely_migration_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kysely_migration
    ADD CONSTRAINT kysely_migration_pkey PRIMARY KEY (name);


--
-- Name: leases leases_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.leases
    ADD CONSTRAINT leases_pkey PRIMARY KEY (name);


--
-- Name: projects projects_domain_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.projects
    ADD CONSTRAINT projects_domain_name_key UNIQUE (domain, name);


--
-- Name: projects projects_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.projects
    ADD CONSTRAINT projects_pkey PRIMARY KEY (id);


--
-- Name: role_assignments role_assignments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_assignments
    ADD CONSTRAINT role_assignments_pkey PRIMARY KEY (project_id, user_id, role);


--
-- Name: tokens tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (hash);


--
-- Name: users users_domain_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_domain_name_key UNIQUE (domain, name);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: access_keys_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX access_keys_user_idx ON public.access_keys USING btree (user_id, created_at);


--
-- Name: audit_log_project_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_project_at_idx ON public.audit_log USING btree (project_id, at, seq);


--
-- Name: instance_counts_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instance_counts_status_idx ON public.instance_counts USING btree (status, flavor);


--
-- Name: instance_events_instance_seq_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instance_events_instance_seq_idx ON public.instance_events USING btree (instance_id, seq);


--
-- Name: instance_events_project_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instance_events_project_at_idx ON public.instance_events USING btree (project_id, at, seq);


--
-- Name: instance_events_project_by_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instance_events_project_by_at_idx ON public.instance_events USING btree (project_id, by_user, at, seq);


--
-- Name: instances_project_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_project_created_idx ON public.instances USING btree (project_id, created_at, id);


--
-- Name: instances_project_status_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_project_status_created_idx ON public.instances USING btree (project_id, status, created_at, id);


--
-- Name: instances_project_status_name_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_project_status_name_idx ON public.instances USING btree (project_id, status, name, id);


--
-- Name: instances_project_updated_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_project_updated_at_idx ON public.instances USING btree (project_id, updated_at);


--
-- Name: instances_project_user_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_project_user_created_idx ON public.instances USING btree (project_id, user_id, created_at, id);


--
-- Name: instances_project_user_name_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_project_user_name_idx ON public.instances USING btree (project_id, user_id, name, id);


--
-- Name: instances_project_user_status_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_project_user_status_created_idx ON public.instances USING btree (project_id, user_id, status, created_at, id);


--
-- Name: instances_project_user_status_name_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_project_user_status_name_idx ON public.instances USING btree (project_id, user_id, status, name, id);


--
-- Name: instances_status_flavor_reserved_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_status_flavor_reserved_at_idx ON public.instances USING btree (status, flavor, reserved_at);


--
-- Name: instances_status_flavor_resting_since_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_status_flavor_resting_since_idx ON public.instances USING btree (status, flavor, resting_since);


--
-- Name: instances_status_stop_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX instances_status_stop_at_idx ON public.instances USING btree (status, stop_at);


--
-- Name: role_assignments_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX role_assignments_user_idx ON public.role_assignments USING btree (user_id);


--
-- Name: tokens_expires_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tokens_expires_at_idx ON public.tokens USING btree (expires_at);


--
-- Name: tokens_project_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tokens_project_idx ON public.tokens USING btree (project_id);


--
-- Name: tokens_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tokens_user_idx ON public.tokens USING btree (user_id);


--
-- Name: access_keys access_keys_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.access_keys
    ADD CONSTRAINT access_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: role_assignments role_assignments_project_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_assignments
    ADD CONSTRAINT role_assignments_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.projects(id) ON DELETE CASCADE;


--
-- Name: role_assignments role_assignments_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_assignments
    ADD CONSTRAINT role_assignments_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: tokens tokens_project_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_project_id_fkey FOREIGN KEY (project_id) REFERENCES public.projects(id) ON DELETE CASCADE;


--
-- Name: tokens tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


