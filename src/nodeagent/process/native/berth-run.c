/*
 * berth-run: the process runtime's tiny container helper (what runc's init does, reduced to what Berth needs).
 *
 * Node cannot enter namespaces, mount, pivot_root or drop capabilities itself (it is multithreaded: setns and
 * unshare are unsafe there), and one exec of mount(8) per mount made a container start take ~100 ms. So the runtime
 * spawns this helper with a list of directives on its command line and it carries them out in order, in one
 * single-threaded process:
 *
 *   berth-run <directive> <args…> <directive> <args…> …
 *   berth-run -                     (the same list, NUL-separated, read from fd 4)
 *
 *   pdeathsig                      die (SIGKILL) when the parent dies: berth killed -9 takes its pods with it
 *   cgroup <cgroup.procs path>     move this process into a cgroup (before anything forks)
 *   oomscore <n>                   write /proc/self/oom_score_adj (best effort)
 *   join <net|uts|ipc|pid|mnt> <nsfile>    setns into an existing namespace (pid applies to children: fork after)
 *   unshare <comma list>           new namespaces: mnt,pid,net,uts,ipc
 *   hostname <name>                sethostname in the (new) UTS namespace
 *   loup                           bring the loopback interface up in the (new) network namespace
 *   podnet <veth> <bridge> <ip> <prefix> <gateway> <cidr> <cidrprefix>
 *                                  after `unshare net`: a veth pair whose host end <veth> is attached (up) to
 *                                  <bridge> in the namespace berth-run started in, and whose other end is eth0 here
 *                                  with <ip>/<prefix>, an on-link route to <cidr>/<cidrprefix> and a default route
 *                                  via <gateway> (rtnetlink for the pair, ioctls for the rest)
 *   forkstall <ms>                 tests: the next fork's child waits before it arms its parent-death signal, as
 *                                  a child a loaded machine runs late does
 *   fork                           the parent stays outside as a relay: it reports `pid <n>` (host pid of the child)
 *                                  once the child exec'd, forwards signals to it, and exits as it did, reporting
 *                                  `exit <code>` or `signal <n>`; the child goes on with the next directives
 *   mount <src> <target> <fstype> <flags> <data>   flags: comma list of bind,rec,ro,nosuid,nodev,noexec,private,
 *                                  rprivate,slave,remount,strictatime ('-' for none); a read-only bind is remounted ro
 *   mkdir <path>                   mkdir -p (0755)
 *   mkfile <path>                  create an empty file (and its parents) when missing: a bind-mount target
 *   symlink <target> <path>        ln -s, unless path exists
 *   pivot <dir>                    pivot_root into dir and detach the old root
 *   mask <path>                    hide a path: /dev/null over a file, an empty read-only tmpfs over a directory
 *   rdonly <path>                  make a path read-only (bind on itself, remount ro)
 *   chdir <path>
 *   caps <comma list of numbers|all>  bounding, permitted, effective and inheritable sets (root keeps them over exec)
 *   nonewprivs                     PR_SET_NO_NEW_PRIVS
 *   user <uid> <gid> <groups,…|->  setgroups, setgid, setuid
 *   session                        setsid, and take the controlling terminal when stdin is one
 *   pause                          block until killed (the pod sandbox holds its namespaces this way)
 *   watchdog <cgroup dir>…         wait; when berth-run's parent dies, SIGKILL every process in those cgroup trees
 *                                  (on SIGTERM: exit quietly). One per Berth instance, for programs that changed
 *                                  their user and so lost their own parent-death signal
 *   exec <n> <argv…>               execvp in the current environment (PATH resolved in the current root)
 *   handoff <port>                 connect to localhost:<port> (IPv4, then IPv6) in the current network namespace
 *                                  and pass the connected socket to the runtime over its Node IPC channel
 *                                  (NODE_CHANNEL_FD), then exit (port-forward, as containerd dials inside the pod's
 *                                  netns and copies in its own process)
 *   rootfs <dir>                   the container root being assembled: a path argument written `@/a/b` means a/b
 *                                  inside it, resolved as the container would see it (symlinks, absolute ones
 *                                  included, stay inside the root; missing directories are created by mkdir/mkfile)
 *
 * Fd 3, when open, is the status channel to the runtime: lines `pid <n>`, `exit <code>`, `signal <n>` and
 * `error <message>` (a directive failed, or the program could not be started: the message is what the kubelet
 * shows as StartError/CreateContainerError). Everything is checked: any failure reports and exits 127.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <net/route.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <grp.h>
#include <dirent.h>
#include <termios.h>
#include <unistd.h>

static int status_fd = -1;   /* fd 3 towards the runtime, or -1 */
static int error_pipe = -1;  /* child → relay: why the exec did not happen */
static pid_t child_pid = 0;
static int relay_alive = -1; /* in the forked child: read end of a pipe only the relay holds open */
static void die_if_orphaned(void);
static unsigned fork_stall_ms = 0; /* tests: the forked child starts this late (forkstall) */

static void report(const char *fmt, ...) {
  if (status_fd < 0) return;
  char buf[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  ssize_t w = write(status_fd, buf, n);
  (void)w;
}

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...) {
  char msg[3072];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (error_pipe >= 0) {
    /* a forked child: the relay reports it */
    ssize_t w = write(error_pipe, msg, strlen(msg));
    (void)w;
  } else {
    report("error %s", msg);
    fprintf(stderr, "berth-run: %s\n", msg);
  }
  _exit(127);
}


static char root_prefix[4096] = "";

/*
 * `@/path` → the host path of /path inside root_prefix, following symlinks as the container would (an absolute
 * link restarts at the root, `..` never climbs above it). With create, missing components become directories
 * (all of them, or all but the last when last_is_file). The root's content is trusted here — it is the image
 * layer over the host's root — so resolving before mounting is safe, and a mount target never escapes the root.
 */
static const char *in_root(const char *arg, int create, int last_is_file) {
  static char out[8][8704];
  static int slot = 0;
  if (arg[0] != '@') return arg;
  if (!root_prefix[0]) fail("%s: no rootfs directive before it", arg);
  char *res = out[slot++ % 8];
  char pending[8192];
  snprintf(pending, sizeof pending, "%s", arg + 1);
  char cur[4096] = "";   /* resolved part, relative to root: "" or "/a/b" */
  int links = 0;
  char *p = pending;
  for (;;) {
    while (*p == '/') p++;
    if (!*p) break;
    char comp[256];
    size_t n = strcspn(p, "/");
    if (n >= sizeof comp) fail("path component too long in %s", arg);
    memcpy(comp, p, n);
    comp[n] = 0;
    p += n;
    int last = (*p == 0) || (strspn(p, "/") == strlen(p));
    if (!strcmp(comp, ".")) continue;
    if (!strcmp(comp, "..")) {
      char *slash = strrchr(cur, '/');
      if (slash) *slash = 0;
      continue;
    }
    char host[8704];
    snprintf(host, sizeof host, "%s%s/%s", root_prefix, cur, comp);
    struct stat st;
    int found = lstat(host, &st) == 0;
    if (found && S_ISLNK(st.st_mode)) {
      if (++links > 40) fail("too many levels of symbolic links in %s", arg);
      char target[4096];
      ssize_t len = readlink(host, target, sizeof target - 1);
      if (len < 0) fail("readlink %s: %s", host, strerror(errno));
      target[len] = 0;
      char rest[8192];
      snprintf(rest, sizeof rest, "%s/%s", target, p);
      snprintf(pending, sizeof pending, "%s", rest);
      p = pending;
      if (target[0] == '/') cur[0] = 0;
      continue;
    }
    if (!found && create && (!last || !last_is_file) && mkdir(host, 0755) < 0 && errno != EEXIST) fail("mkdir %s: %s", host, strerror(errno));
    size_t l = strlen(cur);
    snprintf(cur + l, sizeof cur - l, "/%s", comp);
  }
  snprintf(res, 8704, "%s%s", root_prefix, cur[0] ? cur : "/");
  return res;
}

static void need(int argc, int i, int n, const char *what) {
  if (i + n >= argc) fail("directive %s needs %d argument(s)", what, n);
}

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("open %s: %s", path, strerror(errno));
  ssize_t n = write(fd, text, strlen(text));
  if (n < 0) fail("write %s: %s", path, strerror(errno));
  close(fd);
}

static void mkdir_p(const char *path, mode_t mode) {
  char buf[4096];
  if (strlen(path) >= sizeof buf) fail("path too long: %s", path);
  strcpy(buf, path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, mode) < 0 && errno != EEXIST) fail("mkdir %s: %s", buf, strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, mode) < 0 && errno != EEXIST) fail("mkdir %s: %s", buf, strerror(errno));
}

static void parent_dir(const char *path, char *out, size_t size) {
  snprintf(out, size, "%s", path);
  char *slash = strrchr(out, '/');
  if (slash && slash != out) *slash = 0;
  else if (slash) slash[1] = 0;
}

static unsigned long mount_flags(const char *list, int *bind_ro) {
  unsigned long flags = 0;
  *bind_ro = 0;
  if (strcmp(list, "-") == 0) return 0;
  char buf[512];
  snprintf(buf, sizeof buf, "%s", list);
  int ro = 0, bind = 0;
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (!strcmp(tok, "bind")) { flags |= MS_BIND; bind = 1; }
    else if (!strcmp(tok, "rec")) flags |= MS_REC;
    else if (!strcmp(tok, "ro")) { flags |= MS_RDONLY; ro = 1; }
    else if (!strcmp(tok, "nosuid")) flags |= MS_NOSUID;
    else if (!strcmp(tok, "nodev")) flags |= MS_NODEV;
    else if (!strcmp(tok, "noexec")) flags |= MS_NOEXEC;
    else if (!strcmp(tok, "private")) flags |= MS_PRIVATE;
    else if (!strcmp(tok, "rprivate")) flags |= MS_PRIVATE | MS_REC;
    else if (!strcmp(tok, "slave")) flags |= MS_SLAVE;
    else if (!strcmp(tok, "remount")) flags |= MS_REMOUNT;
    else if (!strcmp(tok, "strictatime")) flags |= MS_STRICTATIME;
    else fail("unknown mount flag %s", tok);
  }
  *bind_ro = bind && ro && !(flags & MS_REMOUNT);
  return flags;
}

static void do_mount(const char *src, const char *target, const char *fstype, const char *flag_list, const char *data) {
  int bind_ro;
  unsigned long flags = mount_flags(flag_list, &bind_ro);
  const char *t = strcmp(fstype, "-") ? fstype : NULL;
  const char *d = strcmp(data, "-") ? data : NULL;
  if (mount(src, target, t, flags, d) < 0) fail("mount %s on %s: %s", src, target, strerror(errno));
  /* A bind mount ignores MS_RDONLY: it takes a remount to make it read-only. */
  if (bind_ro && mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | (flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC)), NULL) < 0)
    fail("remount %s read-only: %s", target, strerror(errno));
}

static void do_mask(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return; /* nothing to hide */
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0") < 0) fail("mask %s: %s", path, strerror(errno));
  } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
    fail("mask %s: %s", path, strerror(errno));
  }
}

static void do_rdonly(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return;
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) fail("bind %s: %s", path, strerror(errno));
  if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_REC, NULL) < 0) fail("remount %s read-only: %s", path, strerror(errno));
}

static void do_pivot(const char *root) {
  if (chdir(root) < 0) fail("chdir %s: %s", root, strerror(errno));
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail("pivot_root %s: %s", root, strerror(errno));
  /* The old root now sits on top of the new one at "/": detach it. */
  if (umount2(".", MNT_DETACH) < 0) fail("detach old root: %s", strerror(errno));
  if (chdir("/") < 0) fail("chdir /: %s", strerror(errno));
}

static int ns_flag(const char *name) {
  if (!strcmp(name, "mnt")) return CLONE_NEWNS;
  if (!strcmp(name, "pid")) return CLONE_NEWPID;
  if (!strcmp(name, "net")) return CLONE_NEWNET;
  if (!strcmp(name, "uts")) return CLONE_NEWUTS;
  if (!strcmp(name, "ipc")) return CLONE_NEWIPC;
  if (!strcmp(name, "cgroup")) return CLONE_NEWCGROUP;
  fail("unknown namespace %s", name);
}

static void remember_host_netns(void);

static void do_unshare(const char *list) {
  char buf[128];
  snprintf(buf, sizeof buf, "%s", list);
  int flags = 0;
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) flags |= ns_flag(tok);
  if (flags & CLONE_NEWNET) remember_host_netns();
  if (unshare(flags) < 0) fail("unshare %s: %s", list, strerror(errno));
}

static void do_join(const char *type, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open %s: %s", path, strerror(errno));
  if (setns(fd, ns_flag(type)) < 0) fail("setns %s %s: %s", type, path, strerror(errno));
  close(fd);
}

static void do_loup(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) fail("socket: %s", strerror(errno));
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) fail("get lo flags: %s", strerror(errno));
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) fail("bring lo up: %s", strerror(errno));
  close(s);
}


/* ---- pod network: the host netns is remembered before `unshare net` ---- */
static int host_nl = -1;     /* rtnetlink socket opened in the namespace berth-run started in */
static int host_inet = -1;   /* AF_INET socket there, for ioctls on the host end */

static void remember_host_netns(void) {
  if (host_nl >= 0) return;
  host_nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  host_inet = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (host_nl < 0 || host_inet < 0) fail("socket: %s", strerror(errno));
}

/* A netlink request: header, ifinfomsg, attributes, in one aligned buffer. */
static char nlbuf[2048] __attribute__((aligned(8)));

static struct nlmsghdr *nl_start(int type, int flags) {
  memset(nlbuf, 0, sizeof nlbuf);
  struct nlmsghdr *h = (struct nlmsghdr *)nlbuf;
  h->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
  h->nlmsg_type = type;
  h->nlmsg_flags = flags;
  ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_family = AF_UNSPEC;
  return h;
}

static struct rtattr *nla_put(struct nlmsghdr *h, size_t max, int type, const void *data, size_t len) {
  size_t off = NLMSG_ALIGN(h->nlmsg_len);
  size_t alen = RTA_LENGTH(len);
  if (off + RTA_ALIGN(alen) > max) fail("netlink message too long");
  struct rtattr *a = (struct rtattr *)((char *)h + off);
  a->rta_type = type;
  a->rta_len = alen;
  if (len) memcpy(RTA_DATA(a), data, len);
  h->nlmsg_len = off + RTA_ALIGN(alen);
  return a;
}

static void nla_end(struct nlmsghdr *h, struct rtattr *nest) {
  nest->rta_len = (char *)h + h->nlmsg_len - (char *)nest;
}

/* Sends one request and waits for its acknowledgement; returns 0 or -errno. */
static int nl_talk(struct nlmsghdr *h) {
  static unsigned seq = 1;
  h->nlmsg_seq = seq++;
  h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
  if (sendto(host_nl, h, h->nlmsg_len, 0, (struct sockaddr *)&addr, sizeof addr) < 0) return -errno;
  char reply[4096];
  for (;;) {
    ssize_t n = recv(host_nl, reply, sizeof reply, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    for (struct nlmsghdr *r = (struct nlmsghdr *)reply; NLMSG_OK(r, (size_t)n); r = NLMSG_NEXT(r, n)) {
      if (r->nlmsg_seq != h->nlmsg_seq) continue;
      if (r->nlmsg_type == NLMSG_ERROR) return ((struct nlmsgerr *)NLMSG_DATA(r))->error;
    }
  }
}

static void set_up(int sock, const char *name) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
  if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) fail("get %s flags: %s", name, strerror(errno));
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) fail("bring %s up: %s", name, strerror(errno));
}

static struct sockaddr_in inet_addr_of(const char *text) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  if (inet_pton(AF_INET, text, &a.sin_addr) != 1) fail("invalid IPv4 address %s", text);
  return a;
}

static struct sockaddr_in mask_of(int prefix) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = prefix <= 0 ? 0 : htonl(~0U << (32 - prefix));
  return a;
}

static void add_route(int sock, const char *dst, int prefix, const char *gw) {
  struct rtentry rt;
  memset(&rt, 0, sizeof rt);
  struct sockaddr_in d = inet_addr_of(dst), m = mask_of(prefix);
  memcpy(&rt.rt_dst, &d, sizeof d);
  memcpy(&rt.rt_genmask, &m, sizeof m);
  rt.rt_flags = RTF_UP;
  if (gw) {
    struct sockaddr_in g = inet_addr_of(gw);
    memcpy(&rt.rt_gateway, &g, sizeof g);
    rt.rt_flags |= RTF_GATEWAY;
  }
  rt.rt_dev = (char *)"eth0";
  if (ioctl(sock, SIOCADDRT, &rt) < 0 && errno != EEXIST) fail("route to %s/%d: %s", dst, prefix, strerror(errno));
}

static void do_podnet(char **a) {
  const char *veth = a[0], *bridge = a[1], *ip = a[2], *gw = a[4], *cidr = a[5];
  int prefix = atoi(a[3]), cidr_prefix = atoi(a[6]);
  if (host_nl < 0) fail("podnet needs the host's namespace remembered (before unshare net)");
  if (strlen(veth) >= IFNAMSIZ) fail("interface name too long: %s", veth);
  /* looked up through the host-side socket: this process already is in the pod's namespace */
  struct ifreq bq;
  memset(&bq, 0, sizeof bq);
  snprintf(bq.ifr_name, IFNAMSIZ, "%s", bridge);
  if (ioctl(host_inet, SIOCGIFINDEX, &bq) < 0) fail("bridge %s: %s", bridge, strerror(errno));
  int bridge_index = bq.ifr_ifindex;
  int ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (ns < 0) fail("open own netns: %s", strerror(errno));

  /* a leftover of a killed Berth with the same pod */
  struct nlmsghdr *h = nl_start(RTM_DELLINK, 0);
  nla_put(h, sizeof nlbuf, IFLA_IFNAME, veth, strlen(veth) + 1);
  nl_talk(h);

  h = nl_start(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  nla_put(h, sizeof nlbuf, IFLA_IFNAME, veth, strlen(veth) + 1);
  nla_put(h, sizeof nlbuf, IFLA_MASTER, &bridge_index, sizeof bridge_index);
  struct rtattr *linkinfo = nla_put(h, sizeof nlbuf, IFLA_LINKINFO, NULL, 0);
  nla_put(h, sizeof nlbuf, IFLA_INFO_KIND, "veth", 4);
  struct rtattr *data = nla_put(h, sizeof nlbuf, IFLA_INFO_DATA, NULL, 0);
  struct rtattr *peer = nla_put(h, sizeof nlbuf, VETH_INFO_PEER, NULL, 0);
  /* the peer's own ifinfomsg, then its attributes */
  size_t off = NLMSG_ALIGN(h->nlmsg_len);
  if (off + sizeof(struct ifinfomsg) > sizeof nlbuf) fail("netlink message too long");
  ((struct ifinfomsg *)(nlbuf + off))->ifi_family = AF_UNSPEC;
  h->nlmsg_len = off + NLMSG_ALIGN(sizeof(struct ifinfomsg));
  nla_put(h, sizeof nlbuf, IFLA_IFNAME, "eth0", 5);
  nla_put(h, sizeof nlbuf, IFLA_NET_NS_FD, &ns, sizeof ns);
  nla_end(h, peer);
  nla_end(h, data);
  nla_end(h, linkinfo);
  int err = nl_talk(h);
  if (err < 0) fail("create veth %s: %s", veth, strerror(-err));
  close(ns);
  set_up(host_inet, veth);
  /* hairpin (kubelet's hairpin-veth): a pod reaching itself through its Service gets its DNATed packets back out
   * of the bridge port they came in by */
  struct ifreq vq;
  memset(&vq, 0, sizeof vq);
  snprintf(vq.ifr_name, IFNAMSIZ, "%s", veth);
  if (ioctl(host_inet, SIOCGIFINDEX, &vq) < 0) fail("veth %s: %s", veth, strerror(errno));
  h = nl_start(RTM_SETLINK, 0);
  ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_family = AF_BRIDGE;
  ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index = vq.ifr_ifindex;
  struct rtattr *protinfo = nla_put(h, sizeof nlbuf, IFLA_PROTINFO | NLA_F_NESTED, NULL, 0);
  __u8 on = 1;
  nla_put(h, sizeof nlbuf, IFLA_BRPORT_MODE, &on, sizeof on);
  nla_end(h, protinfo);
  err = nl_talk(h);
  if (err < 0) fail("hairpin mode on %s: %s", veth, strerror(-err));

  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) fail("socket: %s", strerror(errno));
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "eth0");
  struct sockaddr_in addr = inet_addr_of(ip);
  memcpy(&ifr.ifr_addr, &addr, sizeof addr);
  if (ioctl(s, SIOCSIFADDR, &ifr) < 0) fail("address %s: %s", ip, strerror(errno));
  struct sockaddr_in m = mask_of(prefix);
  memcpy(&ifr.ifr_netmask, &m, sizeof m);
  if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0) fail("netmask /%d: %s", prefix, strerror(errno));
  set_up(s, "eth0");
  add_route(s, cidr, cidr_prefix, NULL);
  add_route(s, "0.0.0.0", 0, gw);
  close(s);
  close(host_nl);
  close(host_inet);
  host_nl = host_inet = -1;
}

static void do_caps(const char *list) {
  __u64 keep = 0;
  if (!strcmp(list, "all")) keep = ~0ULL;
  else if (strcmp(list, "-") != 0) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) keep |= 1ULL << atoi(tok);
  }
  for (int cap = 0; cap <= 63; cap++) {
    if (keep & (1ULL << cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) fail("drop capability %d: %s", cap, strerror(errno));
  }
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof data);
  if (syscall(SYS_capget, &hdr, data) < 0) fail("capget: %s", strerror(errno));
  for (int i = 0; i < 2; i++) {
    __u32 k = (__u32)(keep >> (32 * i));
    data[i].effective &= k;
    data[i].permitted &= k;
    data[i].inheritable = data[i].permitted;
  }
  if (syscall(SYS_capset, &hdr, data) < 0) fail("capset: %s", strerror(errno));
  /* Ambient capabilities are not granted: an unprivileged user keeps none over exec, as with containerd. */
}

static void do_user(const char *uid_s, const char *gid_s, const char *groups_s) {
  uid_t uid = (uid_t)strtoul(uid_s, NULL, 10);
  gid_t gid = (gid_t)strtoul(gid_s, NULL, 10);
  gid_t groups[64];
  int n = 0;
  if (strcmp(groups_s, "-") != 0) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", groups_s);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && n < 64; tok = strtok_r(NULL, ",", &save)) groups[n++] = (gid_t)strtoul(tok, NULL, 10);
  }
  if (setgroups(n, groups) < 0) fail("setgroups: %s", strerror(errno));
  if (setresgid(gid, gid, gid) < 0) fail("setgid %u: %s", gid, strerror(errno));
  if (setresuid(uid, uid, uid) < 0) fail("setuid %u: %s", uid, strerror(errno));
  /* Changing credentials clears the parent-death signal: keep it (as setpriv --pdeathsig keep). */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("pdeathsig: %s", strerror(errno));
  die_if_orphaned();
}

/* PR_SET_PDEATHSIG only fires for a parent that dies after it is set: a relay killed between fork and the child's
 * prctl (the kill lands while a loaded machine has not run the child yet) would leave the program running. The relay
 * holds the only write end of relay_alive; seeing it closed means the relay is gone already. */
static void die_if_orphaned(void) {
  if (relay_alive < 0) return;
  struct pollfd pf = { relay_alive, POLLIN, 0 };
  if (poll(&pf, 1, 0) > 0 && (pf.revents & (POLLHUP | POLLERR))) _exit(137);
}

static void do_session(void) {
  if (setsid() < 0 && errno != EPERM) fail("setsid: %s", strerror(errno));
  if (isatty(0) && ioctl(0, TIOCSCTTY, 1) < 0) fail("controlling terminal: %s", strerror(errno));
}

static void forward(int sig) {
  if (child_pid > 0) kill(child_pid, sig);
}

/* The relay: report the child's pid once it exec'd (or why it could not), forward signals, exit as it did. */
static int copy_some(int from, int to);

/*
 * Standard streams the program gets as pipes where berth-run got sockets (Node's stdio pipes are socketpairs, and
 * opening /dev/stdout on a socket fails with ENXIO — nginx does it): [fd] = {child's end, relay's end}.
 */
static int pumps[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
static int sigchld_pipe[2] = { -1, -1 };

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  ssize_t w = write(sigchld_pipe[1], "c", 1);
  (void)w;
  errno = saved;
}

static int is_socket(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void set_nonblock(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Output the program wrote that is still in a pipe: copied out without waiting (a grandchild may hold it open). */
static void drain(int from, int to) {
  set_nonblock(from);
  char buf[65536];
  for (;;) {
    ssize_t n = read(from, buf, sizeof buf);
    if (n <= 0) return;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(to, buf + off, n - off);
      if (w < 0 && errno != EINTR) return;
      if (w > 0) off += w;
    }
  }
}

/* The relay: report the child's pid once it exec'd (or why it could not), pump its standard streams, forward
 * signals to it, and exit as it did. */
static void relay(int err_read, const sigset_t *mask) __attribute__((noreturn));
static void relay(int err_read, const sigset_t *mask) {
  char msg[3072];
  ssize_t n, total = 0;
  while ((n = read(err_read, msg + total, sizeof msg - 1 - total)) > 0) total += n;
  close(err_read);
  if (total > 0) {
    msg[total] = 0;
    report("error %s", msg);
    fprintf(stderr, "berth-run: %s\n", msg);
    int st;
    waitpid(child_pid, &st, 0);
    _exit(127);
  }
  report("pid %d", (int)child_pid);
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sigemptyset(&sa.sa_mask);
  int sigs[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP, SIGALRM, SIGPWR, SIGURG };
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_NOCLDSTOP;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, NULL);
  sigprocmask(SIG_SETMASK, mask, NULL);

  /* stdin: our fd 0 → the program's pipe, through a buffer so a program that does not read never blocks the rest */
  char inbuf[65536];
  size_t inlen = 0, inoff = 0;
  int in_open = pumps[0][1] >= 0;
  if (in_open) set_nonblock(pumps[0][1]);
  int st = 0;
  for (;;) {
    pid_t r = waitpid(child_pid, &st, WNOHANG);
    if (r == child_pid) break;
    struct pollfd fds[5];
    int nf = 0, i_chld = -1, i_in = -1, i_inw = -1, i_out = -1, i_err = -1;
    fds[nf] = (struct pollfd){ sigchld_pipe[0], POLLIN, 0 }; i_chld = nf++;
    if (in_open && inlen == 0) { fds[nf] = (struct pollfd){ 0, POLLIN, 0 }; i_in = nf++; }
    if (in_open && inlen > 0) { fds[nf] = (struct pollfd){ pumps[0][1], POLLOUT, 0 }; i_inw = nf++; }
    if (pumps[1][1] >= 0) { fds[nf] = (struct pollfd){ pumps[1][1], POLLIN, 0 }; i_out = nf++; }
    if (pumps[2][1] >= 0) { fds[nf] = (struct pollfd){ pumps[2][1], POLLIN, 0 }; i_err = nf++; }
    if (poll(fds, nf, -1) < 0) continue; /* EINTR: a signal was forwarded or the child changed state */
    if (fds[i_chld].revents) { char b[64]; ssize_t x = read(sigchld_pipe[0], b, sizeof b); (void)x; }
    if (i_in >= 0 && fds[i_in].revents) {
      ssize_t got = read(0, inbuf, sizeof inbuf);
      if (got > 0) { inlen = (size_t)got; inoff = 0; }
      else if (got == 0 || errno != EINTR) { close(pumps[0][1]); pumps[0][1] = -1; in_open = 0; }
    }
    if (i_inw >= 0 && fds[i_inw].revents) {
      ssize_t w = write(pumps[0][1], inbuf + inoff, inlen - inoff);
      if (w > 0) { inoff += (size_t)w; if (inoff == inlen) inlen = inoff = 0; }
      else if (w < 0 && errno != EAGAIN && errno != EINTR) { close(pumps[0][1]); pumps[0][1] = -1; in_open = 0; inlen = 0; }
    }
    for (int k = 1; k <= 2; k++) {
      int idx = k == 1 ? i_out : i_err;
      if (idx < 0 || !fds[idx].revents) continue;
      if (copy_some(pumps[k][1], k) <= 0) { close(pumps[k][1]); pumps[k][1] = -1; }
    }
  }
  for (int k = 1; k <= 2; k++) if (pumps[k][1] >= 0) drain(pumps[k][1], k);
  if (WIFSIGNALED(st)) {
    report("signal %d", WTERMSIG(st));
    _exit(128 + WTERMSIG(st));
  }
  report("exit %d", WEXITSTATUS(st));
  _exit(WEXITSTATUS(st));
}

static void do_fork(void) {
  int p[2], alive[2];
  if (pipe2(p, O_CLOEXEC) < 0) fail("pipe: %s", strerror(errno));
  if (pipe2(alive, O_CLOEXEC) < 0) fail("pipe: %s", strerror(errno));
  if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK) < 0) fail("pipe: %s", strerror(errno));
  for (int fd = 0; fd <= 2; fd++) {
    if (!is_socket(fd)) continue;
    int q[2];
    if (pipe2(q, O_CLOEXEC) < 0) fail("pipe: %s", strerror(errno));
    pumps[fd][0] = fd == 0 ? q[0] : q[1];
    pumps[fd][1] = fd == 0 ? q[1] : q[0];
  }
  /* Signals stay blocked across fork, so none sent to the relay is lost before it can forward them. */
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  child_pid = fork();
  if (child_pid < 0) fail("fork: %s", strerror(errno));
  if (child_pid > 0) {
    close(p[1]);
    close(alive[0]); /* alive[1] stays open for as long as the relay lives */
    for (int fd = 0; fd <= 2; fd++) if (pumps[fd][0] >= 0) close(pumps[fd][0]);
    relay(p[0], &old);
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  close(p[0]);
  close(alive[1]);
  relay_alive = alive[0];
  close(sigchld_pipe[0]);
  close(sigchld_pipe[1]);
  for (int fd = 0; fd <= 2; fd++) {
    if (pumps[fd][0] < 0) continue;
    if (dup2(pumps[fd][0], fd) < 0) fail("dup2: %s", strerror(errno));
    close(pumps[fd][0]);
    close(pumps[fd][1]);
  }
  error_pipe = p[1];
  if (status_fd >= 0) { close(status_fd); status_fd = -1; }
  if (fork_stall_ms) usleep(fork_stall_ms * 1000);
  /* The relay is our parent: if it dies (berth killed with it), so do we. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("pdeathsig: %s", strerror(errno));
  die_if_orphaned();
}

/* ---- watchdog: when berth dies, whatever is left in its cgroups dies too ---- */

static int sweep(const char *dir) {
  char path[4096];
  int found = 0;
  snprintf(path, sizeof path, "%s/cgroup.procs", dir);
  FILE *f = fopen(path, "re");
  if (f) {
    int pid;
    while (fscanf(f, "%d", &pid) == 1) {
      if (pid > 0 && pid != getpid()) { kill(pid, SIGKILL); found++; }
    }
    fclose(f);
  }
  DIR *d = opendir(dir);
  if (!d) return found;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    found += sweep(path);
  }
  closedir(d);
  return found;
}

static void do_watchdog(int n, char **dirs) __attribute__((noreturn));
static void do_watchdog(int n, char **dirs) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  /* Processes that change their user lose their own parent-death signal: this one keeps it for them all. */
  if (prctl(PR_SET_PDEATHSIG, SIGUSR1) < 0) fail("pdeathsig: %s", strerror(errno));
  if (getppid() == 1) fail("parent already gone");
  if (status_fd >= 0) { report("pid %d", (int)getpid()); close(status_fd); status_fd = -1; }
  int sig = sigwaitinfo(&set, NULL);
  if (sig == SIGUSR1) {
    for (int round = 0; round < 500; round++) {
      int found = 0;
      for (int i = 0; i < n; i++) found += sweep(dirs[i]);
      if (!found) break;
      usleep(10000);
    }
  }
  _exit(0);
}

static int copy_some(int from, int to) {
  char buf[65536];
  ssize_t n = read(from, buf, sizeof buf);
  if (n <= 0) return n < 0 && errno == EINTR ? 1 : 0;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = write(to, buf + off, n - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    off += w;
  }
  return 1;
}

/* A TCP connection to localhost:<port> in the current network namespace (IPv4, then IPv6), or fail(). */
static int dial_localhost(const char *port_s) {
  int port = atoi(port_s);
  if (port < 1 || port > 65535) fail("invalid port %s", port_s);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a4;
  memset(&a4, 0, sizeof a4);
  a4.sin_family = AF_INET;
  a4.sin_port = htons(port);
  a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char why4[256] = "";
  if (s < 0 || connect(s, (struct sockaddr *)&a4, sizeof a4) < 0) {
    snprintf(why4, sizeof why4, "dial tcp4 127.0.0.1:%d: connect: %s", port, strerror(errno));
    if (s >= 0) close(s);
    s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(port);
    a6.sin6_addr = in6addr_loopback;
    if (s < 0 || connect(s, (struct sockaddr *)&a6, sizeof a6) < 0)
      fail("failed to connect to localhost:%d inside the pod's network namespace, IPv4: %s IPv6 dial tcp6 [::1]:%d: connect: %s", port, why4, port, strerror(errno));
  }
  return s;
}

/*
 * `handoff <port>`: dial, then give the connected socket to the runtime instead of relaying it
 * (containerd, too, dials inside the netns and copies in its own process). The runtime spawned us with a Node IPC
 * channel (its fd in NODE_CHANNEL_FD): one line of JSON, a NODE_HANDLE message of type net.Socket, carries the fd as
 * SCM_RIGHTS; Node answers NODE_HANDLE_ACK and hands the runtime a net.Socket over that fd. We exit after the
 * answer (or the channel's end): the socket is the runtime's alone then.
 */
static void do_handoff(const char *port_s) __attribute__((noreturn));
static void do_handoff(const char *port_s) {
  const char *chan = getenv("NODE_CHANNEL_FD");
  if (!chan) fail("handoff needs the runtime's IPC channel (NODE_CHANNEL_FD)");
  int ch = atoi(chan);
  int s = dial_localhost(port_s);
  /* libuv adopts a received fd as it is: it must be non-blocking already (the flag is the socket's, shared). */
  int fl = fcntl(s, F_GETFL);
  if (fl < 0 || fcntl(s, F_SETFL, fl | O_NONBLOCK) < 0) fail("handoff: fcntl: %s", strerror(errno));
  if (status_fd >= 0) { close(status_fd); status_fd = -1; }
  static const char msg[] = "{\"cmd\":\"NODE_HANDLE\",\"type\":\"net.Socket\",\"msg\":{\"connected\":true}}\n";
  struct iovec iov = { (void *)msg, sizeof msg - 1 };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct msghdr mh;
  memset(&mh, 0, sizeof mh);
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = ctl.buf;
  mh.msg_controllen = sizeof ctl.buf;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &s, sizeof(int));
  while (sendmsg(ch, &mh, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) _exit(1);
  }
  close(s);
  char ack[256];
  for (;;) {
    ssize_t n = read(ch, ack, sizeof ack);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || memmem(ack, (size_t)n, "NODE_HANDLE_ACK", 15)) _exit(0);
  }
}

static void do_exec(int argc, char **argv) {
  const char *file = argv[0];
  /* The status fd is close-on-exec: its EOF tells the runtime the program runs (it knows our pid already). */
  execvp(file, argv);
  int e = errno;
  (void)argc;
  /* Go's exec.LookPath wording, as runc reports it. */
  if (strchr(file, '/')) {
    if (e == ENOENT) fail("exec: \"%s\": stat %s: no such file or directory", file, file);
    fail("exec: \"%s\": %s", file, strerror(e));
  }
  if (e == ENOENT) fail("exec: \"%s\": executable file not found in $PATH", file);
  fail("exec: \"%s\": %s", file, strerror(e));
}

/* `berth-run -`: the directives come NUL-separated on fd 4 (keeps ps readable and argv small). */
static char **read_directives(int *argc) {
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  if (!buf) fail("out of memory");
  for (;;) {
    if (len + 4096 > cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      if (!buf) fail("out of memory");
    }
    ssize_t n = read(4, buf + len, cap - len - 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read directives: %s", strerror(errno));
    if (n == 0) break;
    len += (size_t)n;
  }
  close(4);
  buf[len] = 0;
  int count = 1;
  for (size_t i = 0; i < len; i++) if (buf[i] == 0) count++;
  char **out = calloc((size_t)count + 2, sizeof *out);
  if (!out) fail("out of memory");
  int k = 0;
  out[k++] = "berth-run";
  for (size_t i = 0; i < len;) {
    out[k++] = buf + i;
    i += strlen(buf + i) + 1;
  }
  out[k] = NULL;
  *argc = k;
  return out;
}

int main(int argc, char **argv) {
  if (fcntl(3, F_GETFD) >= 0) {
    status_fd = 3;
    fcntl(3, F_SETFD, FD_CLOEXEC);
  }
  if (argc == 2 && !strcmp(argv[1], "-")) argv = read_directives(&argc);
  for (int i = 1; i < argc; i++) {
    const char *d = argv[i];
    if (!strcmp(d, "pdeathsig")) {
      if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) fail("pdeathsig: %s", strerror(errno));
      if (getppid() == 1) fail("parent already gone");
    } else if (!strcmp(d, "cgroup")) {
      need(argc, i, 1, d);
      write_file(argv[++i], "0");
    } else if (!strcmp(d, "oomscore")) {
      need(argc, i, 1, d);
      /* Lowering it takes CAP_SYS_RESOURCE, which a confined Berth may lack: a preference, not a requirement. */
      int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
      const char *v = argv[++i];
      if (fd >= 0) { ssize_t w = write(fd, v, strlen(v)); (void)w; close(fd); }
    } else if (!strcmp(d, "join")) {
      need(argc, i, 2, d);
      do_join(argv[i + 1], argv[i + 2]);
      i += 2;
    } else if (!strcmp(d, "unshare")) {
      need(argc, i, 1, d);
      do_unshare(argv[++i]);
    } else if (!strcmp(d, "hostname")) {
      need(argc, i, 1, d);
      if (sethostname(argv[i + 1], strlen(argv[i + 1])) < 0) fail("sethostname: %s", strerror(errno));
      i++;
    } else if (!strcmp(d, "loup")) {
      do_loup();
    } else if (!strcmp(d, "podnet")) {
      need(argc, i, 7, d);
      do_podnet(&argv[i + 1]);
      i += 7;
    } else if (!strcmp(d, "forkstall")) {
      need(argc, i, 1, d);
      fork_stall_ms = (unsigned)strtoul(argv[++i], NULL, 10);
    } else if (!strcmp(d, "fork")) {
      do_fork();
    } else if (!strcmp(d, "mount")) {
      need(argc, i, 5, d);
      do_mount(in_root(argv[i + 1], 0, 0), in_root(argv[i + 2], 0, 0), argv[i + 3], argv[i + 4], argv[i + 5]);
      i += 5;
    } else if (!strcmp(d, "mkdir")) {
      need(argc, i, 1, d);
      const char *path = in_root(argv[++i], 1, 0);
      mkdir_p(path, 0755);
    } else if (!strcmp(d, "mkfile")) {
      need(argc, i, 1, d);
      const char *path = in_root(argv[++i], 1, 1);
      char dir[4096];
      parent_dir(path, dir, sizeof dir);
      mkdir_p(dir, 0755);
      int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0 && errno != EISDIR) fail("create %s: %s", path, strerror(errno));
      if (fd >= 0) close(fd);
    } else if (!strcmp(d, "symlink")) {
      need(argc, i, 2, d);
      if (symlink(argv[i + 1], in_root(argv[i + 2], 1, 1)) < 0 && errno != EEXIST) fail("symlink %s: %s", argv[i + 2], strerror(errno));
      i += 2;
    } else if (!strcmp(d, "rootfs")) {
      need(argc, i, 1, d);
      snprintf(root_prefix, sizeof root_prefix, "%s", argv[++i]);
      size_t l = strlen(root_prefix);
      while (l > 1 && root_prefix[l - 1] == '/') root_prefix[--l] = 0;
    } else if (!strcmp(d, "pivot")) {
      need(argc, i, 1, d);
      do_pivot(argv[++i]);
    } else if (!strcmp(d, "mask")) {
      need(argc, i, 1, d);
      do_mask(in_root(argv[++i], 0, 0));
    } else if (!strcmp(d, "rdonly")) {
      need(argc, i, 1, d);
      do_rdonly(in_root(argv[++i], 0, 0));
    } else if (!strcmp(d, "chdir")) {
      need(argc, i, 1, d);
      if (chdir(argv[i + 1]) < 0) fail("chdir to cwd (\"%s\") set in config.json failed: %s", argv[i + 1], strerror(errno));
      i++;
    } else if (!strcmp(d, "caps")) {
      need(argc, i, 1, d);
      do_caps(argv[++i]);
    } else if (!strcmp(d, "nonewprivs")) {
      if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("no_new_privs: %s", strerror(errno));
    } else if (!strcmp(d, "user")) {
      need(argc, i, 3, d);
      do_user(argv[i + 1], argv[i + 2], argv[i + 3]);
      i += 3;
    } else if (!strcmp(d, "session")) {
      do_session();
    } else if (!strcmp(d, "handoff")) {
      need(argc, i, 1, d);
      do_handoff(argv[i + 1]);
    } else if (!strcmp(d, "watchdog")) {
      need(argc, i, 1, d);
      do_watchdog(argc - i - 1, &argv[i + 1]);
    } else if (!strcmp(d, "pause")) {
      if (status_fd >= 0) { report("pid %d", (int)getpid()); close(status_fd); status_fd = -1; }
      for (;;) pause();
    } else if (!strcmp(d, "exec")) {
      need(argc, i, 1, d);
      int n = atoi(argv[i + 1]);
      if (n < 1 || i + 1 + n > argc - 1) fail("exec needs %d argument(s)", n);
      char **args = calloc((size_t)n + 1, sizeof *args);
      if (!args) fail("out of memory");
      for (int k = 0; k < n; k++) args[k] = argv[i + 2 + k];
      do_exec(n, args);
    } else {
      fail("unknown directive %s", d);
    }
  }
  fail("no exec directive");
}
