export type {
  ChannelChangeRequest,
  ChannelHealthView,
  ChannelKind,
  ChannelList,
  ChannelProbeResult,
  ChannelState,
  ChannelView,
  CreateChannelRequest,
} from '@codex-gateway/backend/admin-api';
