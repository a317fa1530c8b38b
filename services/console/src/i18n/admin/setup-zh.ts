import type { setupEn } from './setup-en';

/** 运营概览上的上线清单。 */
export const setupZh: typeof setupEn = {
  title: '首次销售之前',
  intro: '此网关尚不能收取真实款项。还需完成：',
  left_one: '还剩 {{count}} 项',
  left_other: '还剩 {{count}} 项',
  allDone: '设置完成：付费套餐已上架，目录中的每个模型都有渠道，支付与邮件均为正式配置。',
  reasons: {
    paid_package: {
      none_on_sale: '没有在售的付费套餐：客户无从购买。',
      no_provider: '没有支付渠道支持这些在售套餐的币种：{{items}}。',
    },
    catalogue_models: {
      no_channel: '目录中没有渠道提供的模型（对它们的请求会失败）：{{items}}。',
    },
    channel_keys: {
      no_key: '没有上游密钥的渠道：{{items}}。',
    },
    payments: {
      not_configured: '未配置任何支付渠道：客户无法付款。',
      not_live: '以下支付渠道连接的是本地模拟器或处于测试模式（不会收到真实款项）：{{items}}。',
    },
    mail: {
      not_configured: '未配置邮件服务器：注册会被拒绝。',
      local_catcher: '邮件被内置的本地邮件捕获器截留：客户收不到任何邮件。',
    },
  },
  fix: {
    paid_package: '创建套餐或为其定价',
    catalogue_models: '为它们添加渠道',
    channel_keys: '设置渠道密钥',
    payments: '设置 STRIPE_SECRET_KEY 和 STRIPE_WEBHOOK_SECRET，或 EPAY_GATEWAY_URL、EPAY_PID 和 EPAY_KEY，然后重启（见 README：Payments）。',
    mail: '将 SMTP_URL 设为你的邮件服务器，然后重启。',
  },
};
